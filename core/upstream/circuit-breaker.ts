/**
 * A per-upstream circuit breaker. When an upstream keeps failing, callers get a
 * fast SERVICE_UNAVAILABLE instead of each waiting out a timeout, and the upstream
 * gets room to recover; after a cool-down a single trial call decides whether it has.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before letting one trial through. @default 30000 */
  readonly coolDownMs?: number;
  /** Milliseconds clock; injectable so tests need not sleep through a cool-down. @default Date.now */
  readonly now?: () => number;
  /** Told of every transition (health reporting, module status events, logs). */
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/**
 * The right to make one call. Report its outcome exactly once; an outcome reported
 * after the breaker moved on (say a slow call that started before the circuit
 * opened) is ignored, so a straggler can neither close nor re-open the circuit.
 */
export interface BreakerPermit {
  /** The upstream answered (any status below 500 counts: a 4xx is the caller's fault). */
  success(): void;
  /** A network error, a timeout or a 5xx. */
  failure(): void;
  /**
   * The call never reached the upstream (refused locally), so it says nothing
   * about the upstream's health; frees a half-open trial slot for the next caller.
   */
  release(): void;
}

export interface CircuitBreaker {
  /** The current state; an open circuit whose cool-down has elapsed reads as half-open. */
  state(): BreakerState;
  /** A permit, or null when the call must fail fast (open, or half-open with its trial in flight). */
  tryAcquire(): BreakerPermit | null;
}

export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureThreshold = options.failureThreshold ?? 5;
  const coolDownMs = options.coolDownMs ?? 30_000;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError(`failureThreshold must be a positive integer, got ${failureThreshold}`);
  }
  if (!(coolDownMs >= 0)) throw new RangeError(`coolDownMs must be >= 0, got ${coolDownMs}`);

  let current: BreakerState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let trialInFlight = false;
  // Bumped on every transition; permits from an earlier generation report into the void.
  let generation = 0;

  function transition(to: BreakerState): void {
    const from = current;
    current = to;
    generation += 1;
    consecutiveFailures = 0;
    trialInFlight = false;
    if (to === 'open') openedAt = now();
    try {
      options.onStateChange?.(to, from);
    } catch {
      // A faulty listener must not leave the breaker half-updated or fail the call.
    }
  }

  function refresh(): BreakerState {
    if (current === 'open' && now() - openedAt >= coolDownMs) transition('half-open');
    return current;
  }

  function permit(): BreakerPermit {
    const issuedIn = generation;
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'release'): void => {
      if (settled) return;
      settled = true;
      if (issuedIn !== generation) return;
      if (outcome === 'release') {
        if (current === 'half-open') trialInFlight = false;
        return;
      }
      switch (current) {
        case 'closed':
          if (outcome === 'success') consecutiveFailures = 0;
          else if (++consecutiveFailures >= failureThreshold) transition('open');
          return;
        case 'half-open':
          transition(outcome === 'success' ? 'closed' : 'open');
          return;
        case 'open':
          // Unreachable: opening bumps the generation, so no permit of an open circuit exists.
          return;
        default: {
          const unreachable: never = current;
          throw new Error(`Unknown breaker state ${String(unreachable)}`);
        }
      }
    };
    return {
      success: () => settle('success'),
      failure: () => settle('failure'),
      release: () => settle('release'),
    };
  }

  return {
    state: refresh,
    tryAcquire() {
      switch (refresh()) {
        case 'closed':
          return permit();
        case 'open':
          return null;
        case 'half-open':
          if (trialInFlight) return null;
          trialInFlight = true;
          return permit();
      }
    },
  };
}
