/**
 * Reading an upstream's body without trusting it: the size is capped while
 * streaming (a missing or lying Content-Length cannot get past), and JSON is
 * parsed only when the upstream says it is JSON.
 */

export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Upstream response exceeded ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export interface StreamedBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

export async function readCapped(body: StreamedBody, declaredLength: string | undefined, limitBytes: number): Promise<Buffer> {
  if (declaredLength !== undefined && Number(declaredLength) > limitBytes) {
    body.destroy();
    throw new ResponseTooLargeError(limitBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limitBytes) {
      body.destroy();
      throw new ResponseTooLargeError(limitBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** Parsed JSON when the media type is JSON (`application/json`, `application/problem+json`...), text otherwise, null when empty. */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.byteLength === 0) return null;
  const text = raw.toString('utf8');
  const mediaType = contentType?.split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // An upstream that mislabels its body still answered; hand over what it sent.
    return text;
  }
}
