import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * What a frontend's codegen.ts holds: this gateway's schema (the committed supergraph,
 * or live introspection at http://localhost:4000/graphql), its operations, and the
 * client preset with persisted documents on.
 */
export function frontendCodegenConfig(options: { schema: string; documents: string; outputDir: string }): CodegenConfig {
  return {
    schema: options.schema,
    documents: [options.documents],
    silent: true,
    generates: {
      [`${options.outputDir}/`]: { preset: 'client', presetConfig: { persistedDocuments: true } },
    },
  };
}
