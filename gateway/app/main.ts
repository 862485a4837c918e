import { loadDependenciesWithoutSourceMaps } from './dependencies-first.ts';

// `npm start`'s entry point. Source maps for the gateway's own modules only (stack
// traces in logs point at the .ts sources); the dependencies' maps are not kept.
process.setSourceMapsEnabled(false);
await loadDependenciesWithoutSourceMaps(process.env);
process.setSourceMapsEnabled(true);
await import('./serve.ts');
