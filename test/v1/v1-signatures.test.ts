import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCallbackSignature, jobCallbackSecret, signCallback } from '../../core/signatures/training-callback.ts';
import { readUploadTicket, signUploadTicket, uploadIdFromLink, uploadLink } from '../../core/signatures/upload-links.ts';

const secret = new TextEncoder().encode('unit-test-secret-0123456789abcdef0123');
const jobId = '5f0c1a57-6d39-4c8e-9a49-8d1e2f9a0b11';

describe('training callback signatures', () => {
  it('follow the documented formula: v1=hex(HMAC-SHA256(job secret, "<timestamp>.<body>"))', () => {
    const jobSecret = jobCallbackSecret(secret, jobId);
    const body = '{"job_id":"x","status":"running","progress":0.5}';
    const byHand = createHmac('sha256', jobSecret).update(`1700000000.${body}`).digest('hex');
    expect(signCallback(jobSecret, 1700000000, body)).toBe(`v1=${byHand}`);
  });

  it('accept within five minutes either way and refuse outside, or with another job or body', () => {
    const body = '{"job_id":"a"}';
    const signature = signCallback(jobCallbackSecret(secret, jobId), 1_000_000, body);
    const check = (overrides: Partial<Parameters<typeof checkCallbackSignature>[0]>) =>
      checkCallbackSignature({ masterSecret: secret, jobId, timestamp: '1000000', signature, body, nowSeconds: 1_000_000, ...overrides });
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowSeconds: 1_000_300 })).toEqual({ ok: true });
    expect(check({ nowSeconds: 1_000_301 }).ok).toBe(false);
    expect(check({ nowSeconds: 999_699 }).ok).toBe(false);
    expect(check({ jobId: '00000000-0000-0000-0000-000000000000' }).ok).toBe(false);
    expect(check({ body: '{"job_id":"b"}' }).ok).toBe(false);
    expect(check({ timestamp: '1e6' }).ok).toBe(false);
  });
});

describe('upload tickets and links', () => {
  const ticket = {
    storageKey: '0b7e4a8c-1f6d-4e2a-9c3b-5d8f7a6e1c20',
    ownerId: 'u1',
    filename: 'a.pdf',
    contentType: 'application/pdf',
    sizeBytes: 3,
    sha256: 'a'.repeat(64),
    expiresAt: 2_000,
  };

  it('round-trip until expiry and refuse any change', () => {
    const token = signUploadTicket(secret, ticket);
    expect(readUploadTicket(secret, token, 1_999)).toEqual(ticket);
    expect(readUploadTicket(secret, token, 2_001)).toBeNull();
    const [payload, mac] = token.split('.');
    const altered = Buffer.from(JSON.stringify({ ...ticket, ownerId: 'u2' })).toString('base64url');
    expect(readUploadTicket(secret, `${altered}.${mac}`, 1_000)).toBeNull();
    expect(readUploadTicket(new TextEncoder().encode('another-secret-0123456789abcdef0123'), `${payload}.${mac}`, 1_000)).toBeNull();
  });

  it('links name one upload until they expire', () => {
    const link = new URL(uploadLink({ publicUrl: 'https://gw.example', secret, uploadId: 'id-1', expiresAt: 5_000 }));
    expect(link.pathname).toBe('/v1/uploads/content');
    expect(uploadIdFromLink(secret, link.searchParams, 4_999)).toBe('id-1');
    expect(uploadIdFromLink(secret, link.searchParams, 5_001)).toBeNull();
    link.searchParams.set('expires', '9999');
    expect(uploadIdFromLink(secret, link.searchParams, 4_999)).toBeNull();
  });
});
