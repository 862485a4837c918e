import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export const GRAPHIQL_ASSET_PREFIX = '/graphiql/assets/';

/**
 * What the GraphiQL page loads, each file from its npm package: the UMD builds
 * run as plain scripts, so nothing is bundled and nothing comes from a CDN.
 * Their fonts are inlined in graphiql.min.css as data URLs.
 */
export function graphiqlAssets(): ReadonlyMap<string, { readonly path: string; readonly type: string }> {
  const js = 'application/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  const files: Array<[string, string, string]> = [
    ['react.production.min.js', join(packageDir('react'), 'umd', 'react.production.min.js'), js],
    ['react-dom.production.min.js', join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), js],
    ['graphiql.min.js', join(packageDir('graphiql'), 'graphiql.min.js'), js],
    ['graphiql.min.css', join(packageDir('graphiql'), 'graphiql.min.css'), css],
    ['plugin-explorer.umd.js', join(packageDir('@graphiql/plugin-explorer'), 'dist', 'index.umd.js'), js],
    ['plugin-explorer.css', join(packageDir('@graphiql/plugin-explorer'), 'dist', 'style.css'), css],
    ['graphql-ws.min.js', join(packageDir('graphql-ws'), 'umd', 'graphql-ws.min.js'), js],
  ];
  return new Map(files.map(([name, path, type]) => [`${GRAPHIQL_ASSET_PREFIX}${name}`, { path, type }]));
}
