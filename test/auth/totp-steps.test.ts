import { describe, expect, it } from 'vitest';
import { Secret } from 'otpauth';
import { matchingStep } from '../../subgraphs/auth/totp.ts';
import { totpCode } from '../support/totp-codes.ts';

const STEP_MS = 30_000;
const secret = new Secret({ size: 20 }).base32;
// A fixed step far from now: the check is handed its clock, so no test waits on a step change.
const step = 59_000_000;
const first = step * STEP_MS; // first millisecond of the step
const last = first + STEP_MS - 1; // its last millisecond
const codeOf = (n: number) => totpCode(secret, n * STEP_MS + 12_345);

describe('TOTP time-step edges (RFC 6238, 30 s steps, window 1), with the codes computed by the test from the secret', () => {
  it("on a step's first and last millisecond, its own code and its neighbours' match (answering the code's step) and two steps away do not", () => {
    for (const now of [first, last]) {
      expect(matchingStep(secret, codeOf(step), now)).toBe(step);
      expect(matchingStep(secret, codeOf(step - 1), now)).toBe(step - 1);
      expect(matchingStep(secret, codeOf(step + 1), now)).toBe(step + 1);
      expect(matchingStep(secret, codeOf(step - 2), now)).toBeNull();
      expect(matchingStep(secret, codeOf(step + 2), now)).toBeNull();
    }
  });

  it('one millisecond decides: the code of step n-1 is refused from the first millisecond of step n+1 on, and step n+2 is accepted from it', () => {
    const nextFirst = first + STEP_MS;
    expect(matchingStep(secret, codeOf(step - 1), nextFirst - 1)).toBe(step - 1);
    expect(matchingStep(secret, codeOf(step - 1), nextFirst)).toBeNull();
    expect(matchingStep(secret, codeOf(step + 2), nextFirst - 1)).toBeNull();
    expect(matchingStep(secret, codeOf(step + 2), nextFirst)).toBe(step + 2);
  });

  it('anything but six digits matches no step', () => {
    const code = codeOf(step);
    for (const malformed of ['', code.slice(0, 5), `${code}0`, `${code.slice(0, 5)}x`, ` ${code}`, '１２３４５６']) {
      expect(matchingStep(secret, malformed, first), JSON.stringify(malformed)).toBeNull();
    }
  });
});
