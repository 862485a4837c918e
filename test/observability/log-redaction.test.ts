import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';

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
