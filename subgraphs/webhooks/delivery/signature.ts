import { createHmac } from 'node:crypto';
import { signingKeyOf } from '../secret.ts';

/** The three Standard Webhooks headers of one request. */
export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, once per secret, space
 * separated: during a rotation's overlap the receiver may still hold the old one.
 */
export function signWebhook(webhookId: string, timestampSeconds: number, body: string, secrets: readonly string[]): SignedHeaders {
  const content = `${webhookId}.${timestampSeconds}.${body}`;
  const signatures = secrets.map((secret) => `v1,${createHmac('sha256', signingKeyOf(secret)).update(content).digest('base64')}`);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}
