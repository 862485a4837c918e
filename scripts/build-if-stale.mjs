// `npm start` runs this first: it builds when dist/ is missing or older than any
// source. "Source" is every file of the repository outside the folders below,
// so it holds whichever files exist (files move on main) and includes the
// generated Prisma client that `npm install` rewrites.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, BUILD_STAMP, ROOT } from './build.mjs';

/** Folders that are not inputs of the build: outputs, dependencies, data, and code that runs from source. */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'dist.next', 'dist.old', 'dist.lock', '.git', '.data', 'coverage', 'test', 'bench', 'deploy']);
const NOT_SOURCE_EXTENSIONS = new Set(['.md']);

export function newestSourceMtimeMs(folder = ROOT) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name)) newest = Math.max(newest, newestSourceMtimeMs(path));
    } else if (entry.isFile() && !NOT_SOURCE_EXTENSIONS.has(extname(entry.name))) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Why a build is needed, or null when dist/ is current. */
export function staleReason() {
  let stampMs;
  try {
    stampMs = statSync(BUILD_STAMP).mtimeMs;
  } catch {
    return 'no build yet';
  }
  return newestSourceMtimeMs() > stampMs ? 'sources changed since the last build' : null;
}

const LOCK = join(ROOT, 'dist.lock');
const LOCK_STALE_MS = 120_000;

/** One build at a time (two `npm start`s, or test files in parallel forks); the others wait, then re-check. */
export async function buildIfStale({ log = console.error } = {}) {
  for (;;) {
    if (staleReason() === null) return false;
    try {
      mkdirSync(LOCK);
    } catch {
      // A builder that died leaves its lock behind; builds take seconds.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      const reason = staleReason();
      if (reason === null) return false;
      log(`Building dist/ (${reason})`);
      build({ log });
      return true;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildIfStale().catch((error) => {
    console.error(`Build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
