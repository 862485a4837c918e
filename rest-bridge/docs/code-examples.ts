import { samplePath, type DocumentedOperation } from './documented-operations.ts';

export const EXAMPLE_LANGUAGES = ['curl', 'javascript', 'python'] as const;
export type ExampleLanguage = (typeof EXAMPLE_LANGUAGES)[number];

/** What each language's document is served as. */
export const EXAMPLE_MEDIA_TYPES: Readonly<Record<ExampleLanguage, string>> = {
  curl: 'text/x-shellscript',
  javascript: 'text/javascript',
  python: 'text/x-python',
};

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
const comment = (prefix: string, operation: DocumentedOperation) => `${prefix} ${operation.method} ${operation.path}: ${operation.summary.replaceAll('\n', ' ')}`;

function curlOf(operation: DocumentedOperation): string {
  const parts = [`curl -sS -X ${operation.method} "$BASE_URL${samplePath(operation)}"`];
  if (operation.authenticated) parts.push('-H "Authorization: Bearer $TOKEN"');
  if (operation.body?.kind === 'json') parts.push('-H "Content-Type: application/json"', `-d ${shellQuote(JSON.stringify(operation.body.sample))}`);
  if (operation.body?.kind === 'multipart') parts.push(...operation.body.fileFields.map((field) => `-F "${field}=@./example.txt"`));
  return `${comment('#', operation)}\n${parts.join(' \\\n  ')}\n`;
}

function javascriptOf(operation: DocumentedOperation): string {
  const path = JSON.stringify(samplePath(operation));
  const auth = operation.authenticated ? 'true' : 'false';
  let body = 'undefined';
  if (operation.body?.kind === 'json') body = JSON.stringify(operation.body.sample);
  if (operation.body?.kind === 'multipart') body = `files(${JSON.stringify(operation.body.fileFields)})`;
  return `${comment('//', operation)}\nconsole.log(await call(${JSON.stringify(operation.method)}, ${path}, ${body}, ${auth}));\n`;
}

/** JSON as a Python literal: the same text, with Python's names for true, false and null. */
const pythonLiteral = (value: unknown): string => {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonLiteral(item)}`).join(', ')}}`;
  return JSON.stringify(value);
};

function pythonOf(operation: DocumentedOperation): string {
  let body = 'None';
  if (operation.body?.kind === 'json') body = pythonLiteral(operation.body.sample);
  const files = operation.body?.kind === 'multipart' ? `, files=${pythonLiteral(operation.body.fileFields)}` : '';
  return `${comment('#', operation)}\nprint(call(${JSON.stringify(operation.method)}, ${JSON.stringify(samplePath(operation))}, ${body}, auth=${operation.authenticated ? 'True' : 'False'}${files}))\n`;
}

const PREAMBLES: Readonly<Record<ExampleLanguage, (baseUrl: string) => string>> = {
  curl: (baseUrl) => `#!/bin/sh
# Every REST route of the gateway, generated from the route table behind /api/openapi.json.
# TOKEN comes from POST /auth/login (data.access_token); an API key works as -H "X-API-Key: $API_KEY".
BASE_URL="\${BASE_URL:-${baseUrl}}"
TOKEN="\${TOKEN:-}"
`,
  javascript: (baseUrl) => `// Every REST route of the gateway, generated from the route table behind /api/openapi.json.
// Node 20+ (global fetch, FormData, Blob); run as an ES module: node examples.mjs
const BASE_URL = process.env.BASE_URL ?? ${JSON.stringify(baseUrl)};
const TOKEN = process.env.TOKEN ?? ''; // from POST /auth/login: data.access_token
const API_KEY = process.env.API_KEY ?? ''; // or an API key, sent as X-API-Key

function files(fields) {
  const form = new FormData();
  for (const field of fields) form.append(field, new Blob(['example']), 'example.txt');
  return form;
}

async function call(method, path, body, authenticated) {
  const headers = {};
  if (authenticated && TOKEN) headers['authorization'] = \`Bearer \${TOKEN}\`;
  else if (authenticated && API_KEY) headers['x-api-key'] = API_KEY;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(BASE_URL + path, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}
`,
  python: (baseUrl) => `# Every REST route of the gateway, generated from the route table behind /api/openapi.json.
# Python 3 standard library only.
import json
import os
import urllib.error
import urllib.request
import uuid

BASE_URL = os.environ.get("BASE_URL", ${JSON.stringify(baseUrl)})
TOKEN = os.environ.get("TOKEN", "")  # from POST /auth/login: data.access_token
API_KEY = os.environ.get("API_KEY", "")  # or an API key, sent as X-API-Key


def call(method, path, body=None, auth=True, files=None):
    headers = {}
    if auth and TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    elif auth and API_KEY:
        headers["X-API-Key"] = API_KEY
    data = None
    if files:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\\r\\nContent-Disposition: form-data; name="{field}"; filename="example.txt"\\r\\n\\r\\nexample\\r\\n' for field in files]
        data = ("".join(parts) + f"--{boundary}--\\r\\n").encode()
        headers["Content-Type"] = "multipart/form-data; boundary=" + boundary
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE_URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            status, text, kind = response.status, response.read().decode(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, text, kind = error.code, error.read().decode(), error.headers.get("Content-Type", "")
    return status, (json.loads(text) if "json" in kind else text)

`,
};

const EXAMPLE_OF: Readonly<Record<ExampleLanguage, (operation: DocumentedOperation) => string>> = { curl: curlOf, javascript: javascriptOf, python: pythonOf };

/** One program per language calling every documented operation with sample input. */
export function codeExamples(language: ExampleLanguage, operations: readonly DocumentedOperation[], baseUrl: string): string {
  return [PREAMBLES[language](baseUrl), ...operations.map(EXAMPLE_OF[language])].join('\n');
}
