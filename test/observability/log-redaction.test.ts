import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { testConfig } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { otlpReceiver } from '../support/otlp-receiver.ts';

describe('the logger', () => {
  it('censors credentials wherever a logged object carries them', () => {
    const lines: string[] = [];
    const logger = createLogger('trace', new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) }));
    const secrets = ['hunter2-password', 'eyJhbGciOiJIUzI1NiJ9.token', '100x_known_key_value', 'whsec_c2VjcmV0'];
    logger.info({ password: secrets[0], user: { password: secrets[0] } });
    logger.info({ token: secrets[1], data: { access_token: secrets[1], accessToken: secrets[1] } });
    logger.info({ api_key: secrets[2], query: { api_key: secrets[2] }, apiKey: secrets[2] });
    logger.info({ headers: { authorization: `Bearer ${secrets[1]}`, 'x-api-key': secrets[2], cookie: `session=${secrets[1]}` } });
    logger.info({ endpoint: { secret: secrets[3] } });
    const text = lines.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});

describe('credentials in request logs and traces', () => {
  it('never show a key, token or password, for every shape a client may send them in', async () => {
    const lines: string[] = [];
    const capture = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
    const receiver = await otlpReceiver();
    const config = testConfig({ LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    const gateway = await startGateway(config, createLogger('info', capture));
    const secrets: string[] = [];
    try {
      const password = 'redaction-password-31415';
      secrets.push(password);
      await graphql(gateway.url, 'mutation($input: RegisterInput!) { register(input: $input) { id } }', { input: { email: 'owner@redaction.test', password } });
      const owner = await login(gateway.url, 'owner@redaction.test', password);
      const other = await registerAndLogin(gateway.url, 'other@redaction.test');
      secrets.push(owner.token, other.token);
      const own = await createApiKey(gateway.url, owner.token, { name: 'mine' });
      const revoked = await createApiKey(gateway.url, owner.token, { name: 'revoked by path' });
      const theirs = await createApiKey(gateway.url, other.token, { name: 'someone else' });
      const encoded = await createApiKey(gateway.url, owner.token, { name: 'sent behind an encoded slash' });
      secrets.push(own.apiKey, revoked.apiKey, theirs.apiKey, encoded.apiKey);

      const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init).then(async (response) => ({ status: response.status, body: await response.text() }));
      const bearer = { authorization: `Bearer ${owner.token}` };
      expect((await call('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': own.apiKey }, body: '{"query":"{ apiKeys { id } }"}' })).status).toBe(200);
      expect((await call(`/api-keys/list?api_key=${own.apiKey}`)).status).toBe(200);
      expect((await call(`/graphql?api_key=${encodeURIComponent(own.apiKey)}&query=%7B__typename%7D`, { headers: { "apollo-require-preflight": "true" } })).status).toBe(200);
      // The legacy route names the key in its path: one's own (revoked), and someone else's (404, still valid after).
      expect((await call(`/api-keys/${revoked.apiKey}`, { method: 'DELETE', headers: bearer })).status).toBe(200);
      expect((await call(`/api-keys/${theirs.apiKey}`, { method: 'DELETE', headers: bearer })).status).toBe(404);
      expect((await graphql(gateway.url, '{ apiKeys { id } }', {}, { apiKey: theirs.apiKey })).status).toBe(200);
      // A key where an id goes (revokes it too), and on a route that does not exist.
      await call(`/api/v1/api-keys/${own.apiKey}`, { method: "DELETE", headers: bearer });
      expect((await call(`/no-such-route/${own.apiKey}`, { headers: bearer })).status).toBe(404);
      expect((await call(`/api-keys/${encodeURIComponent(owner.token)}`, { method: "DELETE", headers: bearer })).status).toBeGreaterThanOrEqual(400);
      // One segment holding the route and the key, its slash percent-encoded once or twice, or the key glued to other text.
      for (const path of [`/api-keys%2F${encoded.apiKey}`, `/api-keys%252F${encoded.apiKey}`, `/x/key=${encoded.apiKey}`, `/x/${encodeURIComponent(`a ${encoded.apiKey}`)}`]) {
        expect((await call(path, { method: 'DELETE', headers: bearer })).status).toBe(404);
      }
    } finally {
      await gateway.close(); // flushes the span batch
      await receiver.close();
    }
    const logged = lines.join('');
    const exported = JSON.stringify(receiver.spans);
    expect(logged).toContain('/api-keys/{api_key}');
    expect(exported).toContain('/api-keys/{api_key}');
    for (const secret of secrets) {
      expect(logged, 'request log').not.toContain(secret);
      expect(exported, 'exported spans').not.toContain(secret);
    }
  }, 60_000);
});
