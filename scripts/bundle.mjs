// Bundles the compiled serving code and its dependencies into one module,
// dist/gateway/app/serve.bundle.js, which `npm start` (main.ts) loads when it exists.
//
// Why: resolving, reading and compiling about 2,000 CommonJS and 400 ES modules
// one by one was most of a start (bench/README.md, start-up): one file of the same
// code loads in about half the time. What stays outside the bundle is what loads
// files beside its own code or is loaded only on demand: PGlite (its WebAssembly and
// data files), Prisma's runtime and WASM engines, the database and Redis drivers,
// exceljs and qrcode, and pino (its transports run in worker threads).
//
// Our modules find files beside themselves through `import.meta.url` (the
// supergraph SDL, the migrations, the explorer's assets); in the bundle each
// keeps its own: `import.meta.url` in a module under dist/ becomes that module's
// URL in dist/, computed from the bundle's location at run time.
//
// The source map keeps our modules only (mapped through tsc's maps to the .ts
// sources): stack traces point at our sources, and no dependency's map is parsed
// (they held 13–17 MiB of heap, see gateway/app/dependencies-first.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const BUNDLE_ENTRY = join('gateway', 'app', 'serve.js');
export const BUNDLE_FILE = join('gateway', 'app', 'serve.bundle.js');

const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@prisma/*',
  'pglite-prisma-adapter',
  'pg',
  'ioredis',
  'exceljs',
  'qrcode',
  'pino',
  'thread-stream',
  // ws's optional native speed-ups: absent is fine, ws checks at run time.
  'bufferutil',
  'utf-8-validate',
];

const toPosix = (path) => path.split(sep).join('/');

/**
 * Required by @apollo/gateway only for its data collection (utilities/opentelemetry.js),
 * which the gateway turns off unless APOLLO_DATA_COLLECTION is set; main.ts serves
 * the unbundled modules when it is. In the bundle each is an empty module.
 */
export const LEFT_OUT = [
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-azure',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/sdk-metrics',
];

function leftOut() {
  const names = new Set(LEFT_OUT);
  return {
    name: 'left-out',
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\// }, (args) => (names.has(args.path) && args.importer.includes(`${sep}@apollo${sep}gateway${sep}`) ? { path: args.path, namespace: 'left-out' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** `import.meta.url` of each module under the compiled tree, as if it were loaded on its own. */
function ownModuleUrls(distRoot) {
  return {
    name: 'own-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(distRoot + sep) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const path = toPosix(relative(distRoot, args.path));
        return { contents: source.replaceAll('import.meta.url', `__ownModuleUrl(${JSON.stringify(path)})`), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

// Source map "mappings": base64 VLQ, segments separated by ',' and lines by ';'.
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeValue(value) {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let text = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    text += BASE64[digit];
  } while (rest > 0);
  return text;
}

/** Drops every mapping into a dependency's sources, and those sources; mappings stay relative as the format requires. */
export function ownSourcesOnly(map) {
  const keep = map.sources.map((source) => !source.includes('node_modules/') && !source.startsWith('left-out:'));
  const newIndex = [];
  const sources = [];
  map.sources.forEach((source, index) => {
    if (keep[index]) {
      newIndex[index] = sources.length;
      sources.push(source);
    }
  });
  // Absolute state while reading the old mappings, and while writing the new ones.
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  let outSource = 0;
  let outLine = 0;
  let outColumn = 0;
  let outName = 0;
  const lines = map.mappings.split(';').map((text) => {
    let generated = 0;
    let outGenerated = 0;
    const kept = [];
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const values = decodeSegment(segment);
      generated += values[0];
      if (values.length < 4) continue;
      source += values[1];
      line += values[2];
      column += values[3];
      if (values.length > 4) name += values[4];
      if (!keep[source]) continue;
      let out = encodeValue(generated - outGenerated) + encodeValue(newIndex[source] - outSource) + encodeValue(line - outLine) + encodeValue(column - outColumn);
      outGenerated = generated;
      outSource = newIndex[source];
      outLine = line;
      outColumn = column;
      if (values.length > 4) {
        out += encodeValue(name - outName);
        outName = name;
      }
      kept.push(out);
    }
    return kept.join(',');
  });
  return { version: 3, file: map.file, sources, names: map.names, mappings: lines.join(';') };
}

/** Bundles `<distRoot>/gateway/app/serve.js`; false (and nothing written) when esbuild is not installed. */
export async function bundle(distFolder, { log = console.error } = {}) {
  const distRoot = resolve(distFolder);
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    log('esbuild is not installed: npm start serves the unbundled modules');
    return false;
  }
  const outfile = join(distRoot, BUNDLE_FILE);
  const started = Date.now();
  await esbuild.build({
    entryPoints: [join(distRoot, BUNDLE_ENTRY)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'linked',
    sourcesContent: false,
    // Whitespace only: about 8 MiB less source held by V8 (heap 96 → 88 MiB idle),
    // while identifiers and function names stay readable in profiles and in the
    // dependencies' stack frames (ours are mapped to the .ts sources).
    minifyWhitespace: true,
    minifySyntax: false,
    minifyIdentifiers: false,
    legalComments: 'none',
    logLevel: 'error',
    plugins: [ownModuleUrls(distRoot), leftOut()],
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module';",
        // Our CommonJS dependencies' `require` of node's modules and of the externals.
        'const require = __createRequire(import.meta.url);',
        `const __distRoot = new URL(${JSON.stringify(`${toPosix(relative(dirname(outfile), distRoot)) || '.'}/`)}, import.meta.url);`,
        'const __ownModuleUrl = (path) => new URL(path, __distRoot).href;',
      ].join('\n'),
    },
  });
  const mapFile = `${outfile}.map`;
  writeFileSync(mapFile, JSON.stringify(ownSourcesOnly(JSON.parse(readFileSync(mapFile, 'utf8')))));
  log(`bundled ${toPosix(relative(distRoot, outfile))} in ${Date.now() - started} ms`);
  return true;
}

if (process.argv[1] && import.meta.url.endsWith(toPosix(process.argv[1]))) {
  const distRoot = process.argv[2];
  if (!distRoot) throw new Error('usage: node scripts/bundle.mjs <compiled tree>');
  await bundle(distRoot);
}
