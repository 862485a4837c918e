/** The two documentation pages; their scripts are files (the CSP allows no inline script). */
export const SWAGGER_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Federation gateway · REST API (Swagger UI)</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/swagger-init.js"></script>
</body>
</html>
`;

export const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`;

export const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Federation gateway · REST API (ReDoc)</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <div id="redoc"></div>
  <script src="/api/redoc/assets/redoc.standalone.js"></script>
  <script src="/api/redoc/assets/redoc-init.js"></script>
</body>
</html>
`;

export const REDOC_INIT = `Redoc.init('/api/openapi.json', { disableSearch: false, hideDownloadButton: false }, document.getElementById('redoc'));\n`;

/** Scripts and styles from our own origin only; the viewers style inline and ReDoc runs a worker from a blob. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** ReDoc's own mark, drawn here so the sidebar's logo needs no CDN. */
export const REDOC_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#32329f"/><text x="8" y="12" font-size="10" text-anchor="middle" fill="#fff" font-family="sans-serif">R</text></svg>`;
