// `npm run codegen:example`: what a frontend's codegen.ts holds, run against this gateway's schema.
import { frontendCodegenConfig } from './codegen-config.ts';

export default frontendCodegenConfig({
  // A frontend of a running gateway would say `http://localhost:4000/graphql` (live introspection).
  schema: process.env['CODEGEN_SCHEMA'] ?? 'schema/supergraph.graphql',
  documents: 'test/frontends/codegen/operations.graphql',
  outputDir: '.data/codegen-example/gql',
});
