import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import exampleConfig from './codegen/codegen.ts';
import { frontendCodegenConfig } from './codegen/codegen-config.ts';
import { ROOT } from '../support/processes.ts';

const run = promisify(execFile);

describe("the README's codegen example", () => {
  let outputDir: string | undefined;
  afterAll(async () => {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  it('is what npm run codegen:example runs, and the README names its commands', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm run codegen:example');
    expect(readme).toContain('npx graphql-codegen --config codegen.ts');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['codegen:example']).toBe('graphql-codegen --config test/frontends/codegen/codegen.ts');
    expect(exampleConfig.schema).toBe('schema/supergraph.graphql');
  });

  it('generates typed documents from the gateway schema that a strict tsc accepts', async () => {
    // Inside the repository (.data is ignored), so the generated code resolves the packages it imports.
    await mkdir(join(ROOT, '.data'), { recursive: true });
    outputDir = await mkdtemp(join(ROOT, '.data', 'codegen-example-test-'));
    const gql = join(outputDir, 'gql');
    await generate(frontendCodegenConfig({ schema: join(ROOT, 'schema/supergraph.graphql'), documents: join(ROOT, 'test/frontends/codegen/operations.graphql'), outputDir: gql }), true);
    const types = await readFile(join(gql, 'graphql.ts'), 'utf8');
    expect(types).toContain('export type OwnKeysQuery');
    // A frontend file using the generated types: a wrong field would not compile.
    await writeFile(
      join(outputDir, 'use.ts'),
      [
        "import type { OwnKeysQuery, SignInMutationVariables } from './gql/graphql';",
        // apiKeys is null (with an error) when the keys subgraph could not answer: the types say so.
        "export const names = (result: OwnKeysQuery): string[] => (result.me.apiKeys ?? []).map((key) => key.name);",
        "export const input: SignInMutationVariables = { input: { email: 'a@example.test', password: 'x' } };",
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const { stdout } = await run(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--moduleResolution', 'bundler', '--module', 'esnext', '--target', 'es2022', join(outputDir, 'use.ts')], {
      cwd: ROOT,
    }).catch((error: { stdout?: string }) => ({ stdout: `tsc failed: ${error.stdout ?? ''}` }));
    expect(stdout).toBe('');
  }, 60_000);
});
