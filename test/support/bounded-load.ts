// Load from this process against 127.0.0.1, bounded both in requests and in time,
// every answer kept by status, so a test can compare what clients were told with
// what the gateway recorded.
import { Agent, request } from 'undici';

export interface BoundedLoadOptions {
  readonly url: string;
  /** Requests sent at most. */
  readonly requests: number;
  /** Requests in flight at once (keep-alive connections). */
  readonly concurrency: number;
  /** No request is started after this long; the load ends with what was sent. */
  readonly maxMs: number;
  /** The n-th request (from 0): method, headers and body. */
  readonly request: (n: number) => { readonly method: 'GET' | 'POST'; readonly headers: Record<string, string>; readonly body?: string };
  /** Told of every answer (or network failure, status 0) as it arrives. */
  readonly onAnswer?: (answer: LoadAnswer) => void;
}

export interface LoadAnswer {
  readonly n: number;
  /** 0 when the connection failed before an answer came. */
  readonly status: number;
  /** The X-Request-ID the gateway answered with; null with no answer. */
  readonly requestId: string | null;
}

export interface LoadResult {
  readonly answers: readonly LoadAnswer[];
  /** Answers by status (0: no answer). */
  readonly byStatus: ReadonlyMap<number, number>;
  /** Answers with a 2xx status. */
  readonly succeeded: number;
  readonly elapsedMs: number;
}

export async function boundedLoad(options: BoundedLoadOptions): Promise<LoadResult> {
  const dispatcher = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000 });
  const answers: LoadAnswer[] = [];
  const started = performance.now();
  const deadline = started + options.maxMs;
  let next = 0;
  const worker = async () => {
    while (next < options.requests && performance.now() < deadline) {
      const n = next;
      next += 1;
      const spec = options.request(n);
      let answer: LoadAnswer;
      try {
        const response = await request(options.url, {
          method: spec.method,
          headers: spec.headers,
          dispatcher,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
          ...(spec.body === undefined ? {} : { body: spec.body }),
        });
        await response.body.dump();
        const requestId = response.headers['x-request-id'];
        answer = { n, status: response.statusCode, requestId: typeof requestId === 'string' ? requestId : null };
      } catch {
        answer = { n, status: 0, requestId: null };
      }
      answers.push(answer);
      options.onAnswer?.(answer);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await dispatcher.close();
  }
  const byStatus = new Map<number, number>();
  for (const { status } of answers) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  return {
    answers,
    byStatus,
    succeeded: answers.filter(({ status }) => status >= 200 && status < 300).length,
    elapsedMs: performance.now() - started,
  };
}
