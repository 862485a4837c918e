// A new PGlite folder is not made by initdb at every first start: initdb in
// WebAssembly takes about 3 s of the 4 s budget of a first start. `npm run build`
// makes one folder (initdb, then every migration) into dist/prisma/pglite-template,
// and a first start copies it. The template is used only when it was made by the
// same PGlite release, with the same start parameters, from the same migrations;
// otherwise the folder is made as before. Either way the migrations are checked
// after opening, so a template can only save work, never skip any.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationsFolder } from './migrations-folder.ts';
import { defaultMigrationsDir } from './paths.ts';
import { pgliteOptions } from './pglite-options.ts';
import { lockFileName } from './pglite-lock.ts';

/** Where the build leaves the template: beside this module (compiled, dist/prisma/); from source there is none. */
export const defaultPgliteTemplateDir = fileURLToPath(new URL('./pglite-template/', import.meta.url));

/** The template's data folder and its key, inside the template folder. */
export const TEMPLATE_DATA = 'data';
export const TEMPLATE_KEY = 'template-key.json';

/** Postgres writes this file last in initdb; a folder without it holds no cluster. */
const CLUSTER_MARKER = 'PG_VERSION';

interface TemplateKey {
  readonly pglite: string;
  readonly startParams: readonly string[];
  readonly migrations: string;
}

/** The installed PGlite's version, from its package.json (the package exports no path to it). */
async function pgliteVersion(): Promise<string> {
  let folder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = await readFile(join(folder, 'package.json'), 'utf8').then((text) => JSON.parse(text) as { name?: string; version: string }, () => null);
    if (manifest?.name === '@electric-sql/pglite') return manifest.version;
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the package.json of @electric-sql/pglite');
    folder = parent;
  }
}

/** What a template must have been made with to be copied now. */
export async function pgliteTemplateKey(migrationsDir: string = defaultMigrationsDir): Promise<TemplateKey> {
  const pglite = await pgliteVersion();
  const list = await readMigrationsFolder(migrationsDir);
  const hash = createHash('sha256');
  for (const directory of list.migrationDirectories) {
    hash.update(`${directory.path}\n`);
    hash.update(directory.migrationFile.content.tag === 'ok' ? directory.migrationFile.content.value : `unreadable: ${directory.migrationFile.content.value}`);
  }
  return { pglite, startParams: pgliteOptions().startParams ?? [], migrations: hash.digest('hex') };
}

export const sameKey = (a: TemplateKey, b: TemplateKey): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function readTemplateKey(templateDir: string): Promise<TemplateKey | null> {
  try {
    return JSON.parse(await readFile(join(templateDir, TEMPLATE_KEY), 'utf8')) as TemplateKey;
  } catch {
    return null;
  }
}

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/**
 * Fills `folder` from the template when it holds no cluster yet and the template
 * matches; true when it did. The cluster marker is copied last, so a copy cut
 * short leaves a folder that is still "new" and is filled again next time.
 */
export async function seedFromTemplate(folder: string, templateDir: string = defaultPgliteTemplateDir, migrationsDir?: string): Promise<boolean> {
  if (await exists(join(folder, CLUSTER_MARKER))) return false;
  const key = await readTemplateKey(templateDir);
  if (!key || !sameKey(key, await pgliteTemplateKey(migrationsDir))) return false;
  const source = join(templateDir, TEMPLATE_DATA);
  const entries = await readdir(source, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = relative(source, join(entry.parentPath, entry.name));
    if (entry.isDirectory()) await mkdir(join(folder, path), { recursive: true });
    else if (path !== CLUSTER_MARKER && path !== lockFileName) files.push(path);
  }
  // About a thousand mostly small files: copied several at a time (fs.cp one by one took 0.6 s).
  for (let start = 0; start < files.length; start += COPY_BATCH) {
    await Promise.all(files.slice(start, start + COPY_BATCH).map((path) => copyFile(join(source, path), join(folder, path), constants.COPYFILE_FICLONE)));
  }
  await copyFile(join(source, CLUSTER_MARKER), join(folder, CLUSTER_MARKER));
  return true;
}

const COPY_BATCH = 64;
