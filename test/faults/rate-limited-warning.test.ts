import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { rateLimitedWarning } from '../../core/rate-limited-warning.ts';

describe('a rate-limited warning (fail-open during a Redis outage)', () => {
  it('writes one line per window and folds the repeats into the next one with a count', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('warn', new Writable({ write: (chunk, _encoding, done) => void (lines.push(JSON.parse(String(chunk))), done()) }));
    let now = 0;
    const warn = rateLimitedWarning({ logger, message: 'rate-limit store unavailable', windowMs: 10_000, now: () => now });
    for (let request = 0; request < 500; request += 1) {
      warn({ policy: 'fail-open' });
      now += 10;
    }
    // 500 calls over 5 s: one line.
    expect(lines).toHaveLength(1);
    now = 10_000;
    warn({ policy: 'fail-open' });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'rate-limit store unavailable', repeated: 499 });
  });
});
