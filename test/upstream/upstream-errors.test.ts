import { describe, expect, it } from 'vitest';
import { upstreamStatusError } from '../../core/errors/upstream-errors.ts';

describe('upstream failures on typed module surfaces', () => {
  it.each([
    [400, 'VALIDATION_ERROR'],
    [422, 'VALIDATION_ERROR'],
    [401, 'INSUFFICIENT_PERMISSIONS'],
    [403, 'INSUFFICIENT_PERMISSIONS'],
    [404, 'RESOURCE_NOT_FOUND'],
    [429, 'RATE_LIMIT_EXCEEDED'],
    [500, 'SERVICE_UNAVAILABLE'],
    [503, 'SERVICE_UNAVAILABLE'],
  ])('maps %i to %s and names the module', (status, code) => {
    const error = upstreamStatusError("Module 'code-sandbox'", status, { error: 'bad language' });
    expect(error.extensions['code']).toBe(code);
    expect(error.message).toBe(`Module 'code-sandbox' answered ${status}: bad language`);
  });

  it('keeps long or structured upstream bodies out of the message', () => {
    expect(upstreamStatusError("Module 'x'", 500, { stack: 'a'.repeat(1000) }).message).toBe("Module 'x' answered 500");
  });
});
