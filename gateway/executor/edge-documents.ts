import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Operations the edge composes itself (a bulk import's batch of aliased
 * mutations) may exceed the alias and field limits meant for client documents.
 * The edge marks its own with a closing comment carrying an HMAC of the text
 * under a secret made per process; a client cannot forge one, so its documents
 * stay under every limit. The executor's limit rule asks `isEdgeComposed`.
 */
export interface EdgeDocuments {
  mark(document: string): string;
  isEdgeComposed(source: string): boolean;
}

const MARK = '\n# edge-composed ';

export function edgeDocuments(secret: Uint8Array = randomBytes(32)): EdgeDocuments {
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');
  return {
    mark: (document) => `${document}${MARK}${mac(document)}`,
    isEdgeComposed(source) {
      const at = source.lastIndexOf(MARK);
      if (at < 0) return false;
      const given = Buffer.from(source.slice(at + MARK.length));
      const expected = Buffer.from(mac(source.slice(0, at)));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
