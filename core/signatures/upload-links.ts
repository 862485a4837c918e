import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Two signed hand-offs around an uploaded file, both keyed by the /v1 secret:
 * - the ticket: the edge, having stored the bytes, tells the knowledge subgraph
 *   what it stored and for whom; a GraphQL client cannot invent one;
 * - the link: the knowledge upstream fetches the file from the gateway with a
 *   URL that names one upload and expires.
 */
const mac = (secret: Uint8Array, label: string, value: string): string => createHmac('sha256', secret).update(`${label}:${value}`).digest('base64url');

const sameMac = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const uploadTicketSchema = z.object({
  storageKey: z.string().regex(/^[0-9a-f-]{36}$/),
  ownerId: z.string(),
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Unix seconds. */
  expiresAt: z.number().int(),
});

export type UploadTicket = z.infer<typeof uploadTicketSchema>;

export function signUploadTicket(secret: Uint8Array, ticket: UploadTicket): string {
  const payload = Buffer.from(JSON.stringify(ticket)).toString('base64url');
  return `${payload}.${mac(secret, 'upload-ticket', payload)}`;
}

export function readUploadTicket(secret: Uint8Array, token: string, nowSeconds = Math.floor(Date.now() / 1000)): UploadTicket | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !sameMac(signature, mac(secret, 'upload-ticket', payload))) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const ticket = uploadTicketSchema.safeParse(decoded);
  return ticket.success && ticket.data.expiresAt >= nowSeconds ? ticket.data : null;
}

export const UPLOAD_CONTENT_PATH = '/v1/uploads/content';

export function uploadLink(options: { publicUrl: string; secret: Uint8Array; uploadId: string; expiresAt: number }): string {
  const signature = mac(options.secret, 'upload-link', `${options.uploadId}.${options.expiresAt}`);
  const query = new URLSearchParams({ id: options.uploadId, expires: String(options.expiresAt), signature });
  return `${options.publicUrl}${UPLOAD_CONTENT_PATH}?${query}`;
}

/** The upload id a link grants, or null when the link is forged, altered or expired. */
export function uploadIdFromLink(secret: Uint8Array, search: URLSearchParams, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const id = search.get('id');
  const expires = search.get('expires');
  const signature = search.get('signature');
  if (!id || !expires || !signature || !/^\d{1,12}$/.test(expires) || Number(expires) < nowSeconds) return null;
  return sameMac(signature, mac(secret, 'upload-link', `${id}.${expires}`)) ? id : null;
}
