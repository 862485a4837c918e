import { existsSync } from 'node:fs';
import { loadDependenciesWithoutSourceMaps } from './dependencies-first.ts';

// `npm start`'s entry point. The build bundles the serving code and its
// dependencies into one module (scripts/bundle.mjs), which loads in about half
// the time of its 2,400 files; its source map holds the gateway's own modules
// only, so stack traces in logs point at the .ts sources and no dependency's map
// is kept. Without a bundle (run from source, or built without esbuild), the
// dependencies load first with maps off, then the gateway with maps on. The bundle
// leaves out what only @apollo/gateway's data collection uses, so a gateway asked
// for it (APOLLO_DATA_COLLECTION) serves the unbundled modules.
const bundle = new URL('./serve.bundle.js', import.meta.url);
const dataCollection = ['true', '1', 'yes'].includes(process.env['APOLLO_DATA_COLLECTION'] ?? '');
if (existsSync(bundle) && !dataCollection) {
  process.setSourceMapsEnabled(true);
  await import(bundle.href);
} else {
  process.setSourceMapsEnabled(false);
  await loadDependenciesWithoutSourceMaps(process.env);
  process.setSourceMapsEnabled(true);
  await import('./serve.ts');
}
