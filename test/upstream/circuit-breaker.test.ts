import { describe, expect, it } from 'vitest';
import { circuitBreaker } from '../../subgraphs/shared/upstream/index.ts';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

function breakerWithClock(failureThreshold = 3, coolDownMs = 1_000) {
  const clock = fakeClock();
  const changes: string[] = [];
  const breaker = circuitBreaker({ failureThreshold, coolDownMs, now: clock.now, onStateChange: (to, from) => changes.push(`${from}->${to}`) });
  const fail = (times: number): void => {
    for (let i = 0; i < times; i++) breaker.tryAcquire()?.failure();
  };
  return { breaker, clock, changes, fail };
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and refuses permits while open', () => {
    const { breaker, fail, changes } = breakerWithClock(3);
    fail(2);
    expect(breaker.state()).toBe('closed');
    fail(1);
    expect(breaker.state()).toBe('open');
    expect(breaker.tryAcquire()).toBeNull();
    expect(changes).toEqual(['closed->open']);
  });

  it('a success resets the consecutive failure count', () => {
    const { breaker, fail } = breakerWithClock(3);
    fail(2);
    breaker.tryAcquire()?.success();
    fail(2);
    expect(breaker.state()).toBe('closed');
  });

  it('half-open after the cool-down lets exactly one trial through; success closes', () => {
    const { breaker, fail, clock, changes } = breakerWithClock(3, 1_000);
    fail(3);
    clock.advance(999);
    expect(breaker.state()).toBe('open');
    clock.advance(1);
    expect(breaker.state()).toBe('half-open');
    const trial = breaker.tryAcquire();
    expect(trial).not.toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    trial?.success();
    expect(breaker.state()).toBe('closed');
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('a failed trial re-opens for another full cool-down', () => {
    const { breaker, fail, clock } = breakerWithClock(3, 1_000);
    fail(3);
    clock.advance(1_000);
    breaker.tryAcquire()?.failure();
    expect(breaker.state()).toBe('open');
    clock.advance(999);
    expect(breaker.tryAcquire()).toBeNull();
    clock.advance(1);
    expect(breaker.state()).toBe('half-open');
  });

  it('a released trial frees the slot without deciding anything', () => {
    const { breaker, fail, clock } = breakerWithClock(1, 10);
    fail(1);
    clock.advance(10);
    breaker.tryAcquire()?.release();
    expect(breaker.state()).toBe('half-open');
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('ignores outcomes of permits issued before a transition (stragglers)', () => {
    const { breaker, fail, clock } = breakerWithClock(2, 10);
    const straggler = breaker.tryAcquire();
    fail(2);
    clock.advance(10);
    const trial = breaker.tryAcquire();
    straggler?.success();
    expect(breaker.state()).toBe('half-open');
    trial?.failure();
    expect(breaker.state()).toBe('open');
  });

  it('counts each permit once', () => {
    const { breaker } = breakerWithClock(2);
    const permit = breaker.tryAcquire();
    permit?.failure();
    permit?.failure();
    expect(breaker.state()).toBe('closed');
  });

  it('survives a throwing state-change listener', () => {
    const breaker = circuitBreaker({
      failureThreshold: 1,
      onStateChange: () => {
        throw new Error('listener bug');
      },
    });
    expect(() => breaker.tryAcquire()?.failure()).not.toThrow();
    expect(breaker.state()).toBe('open');
  });
});
