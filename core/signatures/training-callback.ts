import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Training progress callbacks are signed by the upstream with a secret that
 * belongs to one job: it is derived from TRAINING_CALLBACK_SECRET and the job id,
 * handed to the upstream when the job is dispatched, and never stored. A leaked
 * job secret can forge reports for that job only.
 *
 * Signature: `v1=<hex HMAC-SHA256(job secret, "<timestamp>.<raw body>")>`, with
 * the Unix-seconds timestamp in `X-Callback-Timestamp`; reports older or newer
 * than the tolerance are refused so a captured report cannot be replayed later.
 */
/** Where upstreams report training progress; the edge hands the raw body to the agent-forge subgraph. */
export const TRAINING_CALLBACK_PATH = '/v1/training/callback';
export const CALLBACK_TIMESTAMP_HEADER = 'x-callback-timestamp';
export const CALLBACK_SIGNATURE_HEADER = 'x-callback-signature';
export const CALLBACK_TOLERANCE_SECONDS = 300;
export const CALLBACK_SIGNATURE_SCHEME = 'v1=hex(hmac_sha256(secret, timestamp + "." + body))';

/** What each header carries, for the OpenAPI document. */
export const CALLBACK_HEADER_DOCS: Readonly<Record<typeof CALLBACK_TIMESTAMP_HEADER | typeof CALLBACK_SIGNATURE_HEADER, string>> = {
  [CALLBACK_TIMESTAMP_HEADER]: `Unix seconds when the upstream signed the report; refused more than ${CALLBACK_TOLERANCE_SECONDS} s away from the gateway's clock`,
  [CALLBACK_SIGNATURE_HEADER]: `${CALLBACK_SIGNATURE_SCHEME}: HMAC-SHA256 under the job's callback secret (handed to the upstream with the job) of the timestamp, a dot and the raw body`,
};

export function jobCallbackSecret(masterSecret: Uint8Array, jobId: string): string {
  return createHmac('sha256', masterSecret).update(`training-callback:${jobId}`).digest('base64url');
}

export function signCallback(jobSecret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', jobSecret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type CallbackCheck = { ok: true } | { ok: false; reason: string };

export function checkCallbackSignature(options: {
  readonly masterSecret: Uint8Array;
  readonly jobId: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly nowSeconds?: number;
}): CallbackCheck {
  const timestamp = Number(options.timestamp);
  if (!/^\d{1,12}$/.test(options.timestamp)) return { ok: false, reason: 'Callback timestamp must be Unix seconds' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > CALLBACK_TOLERANCE_SECONDS) return { ok: false, reason: 'Callback timestamp is outside the allowed window' };
  const expected = Buffer.from(signCallback(jobCallbackSecret(options.masterSecret, options.jobId), timestamp, options.body));
  const given = Buffer.from(options.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'Invalid callback signature' };
  return { ok: true };
}
