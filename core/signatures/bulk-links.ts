import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The signed, expiring link to a finished export's file: it names one job and
 * an expiry, so whoever holds it may fetch that file until then and nothing
 * else. Keyed by the /v1 secret with a label of its own, so an upload link can
 * never pass for an export link.
 */
export const BULK_EXPORT_CONTENT_PATH = '/api/v1/bulk/exports/content';

const mac = (secret: Uint8Array, value: string): string => createHmac('sha256', secret).update(`bulk-export-link:${value}`).digest('base64url');

/** The query of an export link: the link is made of it, the route reads it, the OpenAPI document shows it. */
export const exportLinkQuerySchema = z.object({
  id: z.string().min(1).describe('The export (its operation_id)'),
  expires: z
    .string()
    .regex(/^\d{1,12}$/)
    .describe('Unix seconds; the link is refused after then'),
  signature: z.string().min(1).describe('base64url HMAC-SHA256 of id and expires under the gateway\'s secret: only a link the gateway issued (BulkOperation.downloadUrl) passes'),
});

type ExportLinkQuery = z.infer<typeof exportLinkQuerySchema>;

export function bulkExportLink(options: { publicUrl: string; secret: Uint8Array; operationId: string; expiresAt: number }): string {
  const expires = String(options.expiresAt);
  const link: ExportLinkQuery = { id: options.operationId, expires, signature: mac(options.secret, `${options.operationId}.${expires}`) };
  return `${options.publicUrl}${BULK_EXPORT_CONTENT_PATH}?${new URLSearchParams(link)}`;
}

/** The job a link grants, or null when it is forged, altered or expired. */
export function operationIdFromExportLink(secret: Uint8Array, search: URLSearchParams, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const link = exportLinkQuerySchema.safeParse(Object.fromEntries(Object.keys(exportLinkQuerySchema.shape).map((name) => [name, search.get(name) ?? undefined])));
  if (!link.success || Number(link.data.expires) < nowSeconds) return null;
  const { id, expires, signature } = link.data;
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(secret, `${id}.${expires}`));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
