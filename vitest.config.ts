import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build, as do the Apollo packages that
    // require() it; Vite would pick the ESM build and give us two graphql realms.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Says loudly which suites are skipped for want of Postgres, Redis or Chromium.
    globalSetup: ['test/support/global-setup.ts'],
    // Suites start real servers, child processes and databases; two cores run them best in a few forks.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
