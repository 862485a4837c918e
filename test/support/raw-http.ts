import { connect } from 'node:net';

export interface RawAnswer {
  /** The status line's code, or null when the server closed without answering. */
  readonly status: number | null;
  readonly text: string;
}

/**
 * Sends bytes exactly as given on a fresh connection (a request line no client
 * library would write, a body that stops short) and reads until the server
 * closes or `waitMs` passes. `endAfterWrite` half-closes, as a client that gave up.
 */
export function rawRequest(url: string, bytes: string | Buffer, options: { waitMs?: number; endAfterWrite?: boolean } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      if (options.endAfterWrite) socket.end();
    });
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    const timer = setTimeout(done, options.waitMs ?? 2_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
  });
}

export interface FormPart {
  readonly name: string;
  readonly value: string;
  /** Present for a file part. */
  readonly filename?: string;
}

/** A multipart/form-data body with its parts in exactly the order given, as a browser or curl would encode it. */
export function multipartBody(parts: readonly FormPart[], boundary = 'entrypoint-test-boundary'): { body: Buffer; contentType: string } {
  const pieces = parts.map((part) => {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const type = part.filename === undefined ? '' : 'Content-Type: text/csv\r\n';
    return `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n${part.value}\r\n`;
  });
  return { body: Buffer.from(`${pieces.join('')}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Every ordering of `items` (n! of them; keep n small). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

/** Every subset of `items`, in their order (2^n of them). */
export function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);
}
