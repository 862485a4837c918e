import { GRAPHIQL_ASSET_PREFIX } from './graphiql-assets.ts';

const asset = (name: string) => `${GRAPHIQL_ASSET_PREFIX}${name}`;

/** The page: scripts and styles only from this gateway, so the CSP needs no inline script. */
export const GRAPHIQL_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GraphiQL · federation gateway</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${asset('graphiql.min.css')}">
  <link rel="stylesheet" href="${asset('plugin-explorer.css')}">
  <link rel="stylesheet" href="${asset('graphiql-page.css')}">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${asset('react.production.min.js')}"></script>
  <script src="${asset('react-dom.production.min.js')}"></script>
  <script src="${asset('graphiql.min.js')}"></script>
  <script src="${asset('plugin-explorer.umd.js')}"></script>
  <script src="${asset('graphql-ws.min.js')}"></script>
  <script src="${asset('graphiql-init.js')}"></script>
</body>
</html>
`;

export const GRAPHIQL_PAGE_CSS = 'html, body, #graphiql { height: 100%; margin: 0; }\n';

/**
 * Queries and mutations over HTTP, subscriptions over graphql-ws, both at /graphql
 * of this origin. A `login` run in the page fills the headers editor with its token
 * (kept for the tab's session), so the next operation runs as that user; the
 * subscription socket reconnects with it.
 */
export const GRAPHIQL_INIT = `(function () {
  'use strict';
  var HEADERS_KEY = 'gateway-explorer:headers';
  var DEFAULT_QUERY = [
    '# Sign in: run SignIn with your email and password; the headers editor below',
    '# is then filled with your token, and Me runs as you.',
    'mutation SignIn {',
    '  login(input: { email: "you@example.com", password: "your password" }) {',
    '    accessToken',
    '    user { id email tier }',
    '  }',
    '}',
    '',
    'query Me {',
    '  me { email apiKeys { name } }',
    '}',
    ''
  ].join('\\n');
  var httpUrl = location.origin + '/graphql';
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var wsClient = null;

  function storedHeaders() {
    try { return sessionStorage.getItem(HEADERS_KEY) || ''; } catch (error) { return ''; }
  }

  function headersObject(text) {
    try { var parsed = JSON.parse(text || '{}'); return parsed && typeof parsed === 'object' ? parsed : {}; } catch (error) { return {}; }
  }

  function signedIn(token) {
    var headers = JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2);
    if (headers === storedHeaders()) return;
    try { sessionStorage.setItem(HEADERS_KEY, headers); } catch (error) { /* private mode: this render only */ }
    setTimeout(function () { render(headers); }, 0);
  }

  function render(headers) {
    if (wsClient) wsClient.dispose();
    // The subscription socket authenticates once, when it connects, with the headers of this render.
    wsClient = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: function () { return headersObject(headers); } });
    // Plain JSON answers over HTTP (Apollo Gateway sends no incremental delivery), so the login result can be read.
    var base = GraphiQL.createFetcher({ url: httpUrl, wsClient: wsClient, enableIncrementalDelivery: false });
    var fetcher = function (params, options) {
      var result = base(params, options);
      if (result && typeof result.then === 'function') {
        return result.then(function (answer) {
          var token = answer && answer.data && answer.data.login && answer.data.login.accessToken;
          if (typeof token === 'string') signedIn(token);
          return answer;
        });
      }
      return result;
    };
    // GraphiQL synchronises its headers editor with this prop: the response pane stays as it is.
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      headers: headers,
      defaultEditorToolsVisibility: headers ? 'headers' : false,
      plugins: [explorer]
    }));
  }

  render(storedHeaders());
})();
`;
