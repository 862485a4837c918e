import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// The CLI insists on a schema-engine binary before `generate`, and downloads one
// when none is named. Our machines cannot download, and `generate` never runs the
// engine, so we point it at a file that exists: the WASM engine we migrate with.
const wasmEngine = fileURLToPath(
  new URL('./node_modules/@prisma/schema-engine-wasm/schema_engine_bg.wasm', import.meta.url),
);
if (!process.env['PRISMA_SCHEMA_ENGINE_BINARY'] && existsSync(wasmEngine)) {
  process.env['PRISMA_SCHEMA_ENGINE_BINARY'] = wasmEngine;
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
