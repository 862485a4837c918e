// Issue 14, item 6: a client's mistake is a 400 VALIDATION_ERROR naming the
// problem, never a 500, and never an error-level log line (anonymous callers
// could flood the log with them).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startGateway, type RunningGateway } from '../../gateway/app/start-gateway.ts';
import { ADMIN, testConfig } from '../support/gateway-harness.ts';
import { login } from '../support/account-flows.ts';

let gateway: RunningGateway;
let token: string;
const errorLines: string[] = [];

beforeAll(async () => {
  const config = testConfig({ LOG_LEVEL: 'debug' });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.includes('"level":50') || line.includes('"level":60')) errorLines.push(line);
      done();
    },
  });
  gateway = await startGateway(config, createLogger('debug', sink));
  ({ token } = await login(gateway.url, ADMIN.email, ADMIN.password));
});
afterAll(async () => gateway?.close());

async function post(body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const CREATE_KEY = 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey } }';
const MISTAKES: ReadonlyArray<[string, unknown]> = [
  ['an unknown operationName', { query: 'query A { me { id } }', operationName: 'Nope' }],
  ['several operations without an operationName', { query: 'query A { me { id } } query B { me { id } }' }],
  ['a persisted-query hash that does not match its query', { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }],
  ['an unsupported persisted-query version', { query: '{ me { id } }', extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } }],
  ['a bad DateTime passed as a variable', { query: 'query($s: DateTime) { myUsage(filter: { since: $s }) { since } }', variables: { s: 'not a date' } }],
  ['a bad DateTime inline', { query: '{ myUsage(filter: { since: "not a date" }) { since } }' }],
  ['a number literal like 1e999', { query: 'mutation { createApiKey(input: { name: "n", expiresInDays: 1e999 }) { apiKey } }' }],
  ['an integer variable beyond 32 bits', { query: CREATE_KEY, variables: { i: { name: 'n', expiresInDays: 1e20 } } }],
  ['a NUL character in a string variable', { query: CREATE_KEY, variables: { i: { name: 'a\u0000b' } } }],
  ['a lone surrogate in a string variable', { query: CREATE_KEY, variables: { i: { name: 'a\ud800b' } } }],
  ['a NUL character in a string literal', { query: 'mutation { createApiKey(input: { name: "a\\u0000b" }) { apiKey } }' }],
  ['a lone surrogate in a string literal', { query: 'mutation { createApiKey(input: { name: "a\\ud800b" }) { apiKey } }' }],
];

describe('client mistakes on /graphql', () => {
  it.each(MISTAKES)('%s answers 400 VALIDATION_ERROR', async (_name, body) => {
    const answer = await post(body);
    expect(answer.body.errors?.[0]?.extensions?.code, JSON.stringify(answer.body)).toBe('VALIDATION_ERROR');
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].message).not.toBe('Internal server error');
  });

  // Apollo's APQ protocol (issue 16): the client is asked to send the query with its hash, no error logged.
  it('a persisted-query hash the server never saw answers 200 PERSISTED_QUERY_NOT_FOUND', async () => {
    const answer = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } });
    expect(answer.status).toBe(200);
    expect(answer.body.errors?.[0]?.extensions?.code, JSON.stringify(answer.body)).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('names the field a string was refused in', async () => {
    const answer = await post({ query: CREATE_KEY, variables: { i: { name: 'a\u0000b' } } });
    expect(answer.body.errors[0].message).toMatch(/NUL/);
    expect(answer.body.errors[0].extensions.field).toBe('variables.i.name');
  });

  it('wrote no error-level log line for any of them', () => {
    expect(errorLines).toEqual([]);
  });
});

describe('client mistakes on the REST bridge', () => {
  const rest = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('refuses a NUL in a body field with 400 and the envelope', async () => {
    const answer = await rest('POST', '/api-keys/create', { name: 'a\u0000b' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' });
    expect(answer.body.error).toMatch(/NUL/);
  });

  it('refuses a NUL in a webhook description', async () => {
    const answer = await rest('POST', '/api/v1/webhooks', { url: 'https://example.com/hook', events: ['api_key.created'], description: 'x\u0000' });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('VALIDATION_ERROR');
  });

  it('refuses a lone surrogate in a module path', async () => {
    const answer = await rest('GET', '/modules/code-sandbox/%ED%A0%80');
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('VALIDATION_ERROR');
  });

  it('refuses a NUL in a module path', async () => {
    const answer = await rest('GET', '/modules/code-sandbox/a%00b');
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('VALIDATION_ERROR');
  });
});
