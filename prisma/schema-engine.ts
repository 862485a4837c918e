// Prisma's schema engine (migrations, diffs) compiled to WebAssembly, driven
// through a driver adapter. It replaces the native `schema-engine` binary, which
// these machines cannot download. See /work/shared/PRISMA_OFFLINE.md.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine };

export interface SchemaEngineOptions {
  /** The adapter the engine migrates through; its shadow database serves `diff`. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * Prisma schema files as `[path, content]`. The engine takes the connector
   * (postgresql) from their datasource, and panics when given none.
   */
  datamodels: ReadonlyArray<readonly [path: string, content: string]>;
  /**
   * Receives the engine's log lines (JSON, one event each).
   * @default discards them
   */
  log?: (line: string) => void;
}

/** An engine plus the way to let go of it; `close` is idempotent. */
export interface SchemaEngineHandle {
  readonly engine: SchemaEngine;
  /** Frees the engine's WASM memory and disposes every connection it opened. */
  close(): Promise<void>;
}

export async function openSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngineHandle> {
  await schemaEngineWasm();
  const log = options.log ?? (() => {});
  const datamodels = options.datamodels.map(([path, content]): [string, string] => [path, content]);
  const connections = trackConnections(options.adapterFactory);
  let engine: SchemaEngine;
  try {
    engine = await glue.SchemaEngine.new(
      { datamodels },
      (line: unknown) => log(String(line)),
      bindMigrationAwareSqlAdapterFactory(connections.factory),
    );
  } catch (error) {
    await connections.disposeAll().catch(() => {});
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    close() {
      closing ??= (async () => {
        engine.free();
        await connections.disposeAll();
      })();
      return closing;
    },
  };
}

// The engine disposes its shadow database but never its main connection, not
// even when freed. Left open, that connection keeps the process alive: a pg
// pool holds idle sockets for 10 s, a PGlite keeps a 10 s timer armed. So we
// hand the engine connections we can account for, and dispose what it leaves.
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory) {
  const open = new Set<SqlDriverAdapter>();
  const track = async (connect: () => Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connect();
    const dispose = adapter.dispose.bind(adapter);
    let disposing: Promise<void> | undefined;
    adapter.dispose = () => {
      open.delete(adapter);
      disposing ??= dispose();
      return disposing;
    };
    open.add(adapter);
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(() => factory.connect()),
    connectToShadowDb: () => track(() => factory.connectToShadowDb()),
  };
  return {
    factory: tracked,
    async disposeAll(): Promise<void> {
      const results = await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

// The glue module keeps the instance in a module variable (`__wbg_set_wasm`), so
// the WASM can be instantiated only once per process: a second instance would
// swap the memory out from under engines already running. Hence one shared
// promise rather than an instance per call.
let instantiated: Promise<void> | undefined;

function schemaEngineWasm(): Promise<void> {
  instantiated ??= instantiate().catch((error: unknown) => {
    instantiated = undefined;
    throw error;
  });
  return instantiated;
}

type GlueExport = (...args: unknown[]) => unknown;

/** The part of WebAssembly's JS API we use; the project's lib (ES2023, no DOM) does not declare it. */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

async function instantiate(): Promise<void> {
  panicRegistry();
  // The package index does `import './schema_engine_bg.wasm'`, which Node cannot
  // load, so we read the bytes and hand the JS glue over as the import object.
  // (The package exports map lists the glue but not the .wasm beside it.)
  const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = join(dirname(gluePath), 'schema_engine_bg.wasm');
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    // applyMigrations arms a 10 s engine timer that would keep a CLI alive after
    // its work is done; an unref'd timer still fires while the process has
    // other work, but no longer holds it open.
    if (name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
      const setTimeoutImport = value as GlueExport;
      imports[name] = (...args: unknown[]) => {
        const timer = setTimeoutImport(...args);
        if (typeof timer === 'object' && timer !== null && 'unref' in timer) {
          (timer as NodeJS.Timeout).unref();
        }
        return timer;
      };
    }
  }
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports['__wbindgen_start'];
  if (typeof start !== 'function') throw new Error('schema engine WASM has no __wbindgen_start export');
  (start as () => void)();
}

/**
 * The text of an engine failure: Prisma's own message (error code and
 * explanation), or for a Rust panic the panic message instead of "unreachable".
 */
export function engineErrorMessage(error: unknown): string {
  if (error instanceof Error && error.name === 'RuntimeError') {
    const panic = panicRegistry().take();
    if (panic !== '') return `schema engine panicked: ${panic}`;
  }
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

// A Rust panic reports its message through this global before the WASM traps
// with a bare "unreachable"; the glue calls it unguarded, so without it the
// panic becomes a TypeError about `set_message` and the cause is lost.
interface PanicRegistry {
  get(): string;
  set_message(value: string): void;
}

function panicRegistry(): { take(): string } {
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  scope.PRISMA_WASM_PANIC_REGISTRY ??= newPanicRegistry();
  const registry = scope.PRISMA_WASM_PANIC_REGISTRY;
  return {
    take() {
      const message = registry.get();
      registry.set_message('');
      return message;
    },
  };
}

function newPanicRegistry(): PanicRegistry {
  let message = '';
  return {
    get: () => message,
    set_message: (value: string) => {
      message = value;
    },
  };
}
