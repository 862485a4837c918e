// `npm run build`: compiles the serving code to dist/ with tsc (tsconfig.build.json),
// mirrors the files tsc does not emit (SQL migrations, the Prisma schema, the
// supergraph SDL) beside the compiled modules that resolve them through
// import.meta.url, and writes the stamp `npm start` compares sources against.
// Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const BUILD_STAMP = join(DIST, '.build-stamp');
const BUILD_CONFIG = join(ROOT, 'tsconfig.build.json');
/** Extensions tsc turns into .js; everything else under the compiled folders is copied as is. */
const COMPILED_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/** The folders tsconfig.build.json compiles (its `include`), those that exist. */
export function compiledFolders() {
  // tsconfig allows comments; ours has only whole-line ones.
  const text = readFileSync(BUILD_CONFIG, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const include = /** @type {string[]} */ (JSON.parse(text).include);
  return include.filter((folder) => existsSync(join(ROOT, folder)));
}

function copyAssets(fromFolder, toRoot) {
  for (const entry of readdirSync(join(ROOT, fromFolder), { withFileTypes: true })) {
    const path = join(fromFolder, entry.name);
    if (entry.isDirectory()) copyAssets(path, toRoot);
    else if (entry.isFile() && !COMPILED_EXTENSIONS.has(extname(entry.name))) {
      mkdirSync(join(toRoot, fromFolder), { recursive: true });
      cpSync(join(ROOT, path), join(toRoot, path));
    }
  }
}

/** Builds into a sibling folder and swaps it in, so a failed build leaves the last good one. */
export function build({ log = console.error } = {}) {
  const startedAt = new Date();
  const next = `${DIST}.next`;
  rmSync(next, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // Types are checked by `npm run typecheck` (and `npm test`); the build only emits.
  const result = spawnSync(process.execPath, [tsc, '-p', BUILD_CONFIG, '--noCheck', '--outDir', next], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
  }
  for (const folder of compiledFolders()) copyAssets(folder, next);
  // version.ts reads ../package.json; the compiled tree is a package of its own.
  const { name, version, type } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(next, 'package.json'), `${JSON.stringify({ name, version, type, private: true }, null, 2)}\n`);
  // The serving code and its dependencies in one module (scripts/bundle.mjs).
  const bundled = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), next], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (bundled.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`bundling failed (exit ${bundled.status ?? bundled.signal})`);
  }
  // The PGlite folder a first start copies instead of running initdb (prisma/pglite-template.ts),
  // taken over from the last build when PGlite and the migrations are unchanged.
  const template = spawnSync(
    process.execPath,
    [join(next, 'prisma', 'make-pglite-template.js'), join(next, 'prisma', 'pglite-template'), join(DIST, 'prisma', 'pglite-template')],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (template.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`making the PGlite template failed (exit ${template.status ?? template.signal})`);
  }
  // The stamp carries the time the build started: a source saved during the build is newer.
  writeFileSync(join(next, '.build-stamp'), `${startedAt.toISOString()}\n`);
  utimesSync(join(next, '.build-stamp'), startedAt, startedAt);
  const old = `${DIST}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(next, DIST);
  rmSync(old, { recursive: true, force: true });
  log(`built ${relative(ROOT, DIST)}/ in ${Date.now() - startedAt.getTime()} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (error) {
    console.error(`Build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
