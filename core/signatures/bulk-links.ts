import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed, expiring link to a finished export's file: it names one job and
 * an expiry, so whoever holds it may fetch that file until then and nothing
 * else. Keyed by the /v1 secret with a label of its own, so an upload link can
 * never pass for an export link.
 */
export const BULK_EXPORT_CONTENT_PATH = '/api/v1/bulk/exports/content';

const mac = (secret: Uint8Array, value: string): string => createHmac('sha256', secret).update(`bulk-export-link:${value}`).digest('base64url');

export function bulkExportLink(options: { publicUrl: string; secret: Uint8Array; operationId: string; expiresAt: number }): string {
  const signature = mac(options.secret, `${options.operationId}.${options.expiresAt}`);
  const query = new URLSearchParams({ id: options.operationId, expires: String(options.expiresAt), signature });
  return `${options.publicUrl}${BULK_EXPORT_CONTENT_PATH}?${query}`;
}

/** The job a link grants, or null when it is forged, altered or expired. */
export function operationIdFromExportLink(secret: Uint8Array, search: URLSearchParams, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const id = search.get('id');
  const expires = search.get('expires');
  const signature = search.get('signature');
  if (!id || !expires || !signature || !/^\d{1,12}$/.test(expires) || Number(expires) < nowSeconds) return null;
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(secret, `${id}.${expires}`));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
