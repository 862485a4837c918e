// Makes the PGlite template a first start copies (prisma/pglite-template.ts):
// initdb and every migration into <template>/data, then the key it was made
// with. Run by `npm run build` as `node dist.next/prisma/make-pglite-template.js
// <template> [<previous template>]`; a previous template with the same key is
// copied instead of made again, so a build that changed no migration does not
// pay initdb. Written beside the target and renamed into place, so a build cut
// short leaves no template rather than half of one.
import { cp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase } from './database.ts';
import { pgliteTemplateKey, readTemplateKey, sameKey, TEMPLATE_DATA, TEMPLATE_KEY } from './pglite-template.ts';
import { lockFileName } from './pglite-lock.ts';

export async function makePgliteTemplate(target: string, previous?: string): Promise<'made' | 'reused'> {
  const key = await pgliteTemplateKey();
  const partial = `${target}.partial`;
  await rm(partial, { recursive: true, force: true });
  let outcome: 'made' | 'reused';
  const previousKey = previous ? await readTemplateKey(previous) : null;
  if (previous && previousKey && sameKey(previousKey, key)) {
    await cp(previous, partial, { recursive: true });
    outcome = 'reused';
  } else {
    const database = await openDatabase({ kind: 'pglite', dataDir: join(partial, TEMPLATE_DATA) }, { pgliteTemplateDir: null });
    await database.close();
    await rm(join(partial, TEMPLATE_DATA, lockFileName), { force: true });
    await writeFile(join(partial, TEMPLATE_KEY), `${JSON.stringify(key, null, 2)}\n`);
    outcome = 'made';
  }
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  return outcome;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const [target, previous] = process.argv.slice(2);
  if (!target) throw new Error('usage: make-pglite-template <template folder> [<previous template folder>]');
  const started = Date.now();
  const outcome = await makePgliteTemplate(target, previous);
  console.error(`PGlite template ${outcome} in ${Date.now() - started} ms`);
}
