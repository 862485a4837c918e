/**
 * GCRA (generic cell rate algorithm) over several windows at once, as pure functions.
 * The Redis store runs the same steps in Lua (`redis-gcra.lua.ts`); keep the two in step.
 *
 * For a window of `limit` requests per `windowMs`, the emission interval is
 * T = windowMs / limit and a request is admitted while the theoretical arrival time
 * (TAT) after it is at most `windowMs` ahead of now, which admits exactly `limit`
 * requests from a fresh state.
 *
 * All arithmetic is on integers counted in 1/limit ms ("units"): T is then exactly
 * `windowMs` units. Summing a floating-point T such as 60 000 / 7 ms drifts far enough
 * to admit limit ± 1 at the window's edge, and Lua would drift differently from JS.
 */

/** One limit: at most `limit` requests per `windowMs`. */
export interface RateWindow {
  /** Names the window in headers and in stored state, e.g. `minute`. */
  readonly name: string;
  /** Requests a fresh state admits within one window; a positive integer. */
  readonly limit: number;
  /** Window length in milliseconds; a positive integer. */
  readonly windowMs: number;
}

/** A theoretical arrival time: `ms + frac / limit` milliseconds since the epoch. */
export interface Tat {
  readonly ms: number;
  readonly frac: number;
}

/** What one window says about one decision. */
export interface WindowState {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Requests of cost 1 this window would still admit right now, after this decision. */
  readonly remaining: number;
  /** Milliseconds until this window is back to full capacity. */
  readonly resetMs: number;
  /** Milliseconds until this window would admit the request; 0 when it admits it now. */
  readonly retryAfterMs: number;
}

export interface GcraOutcome {
  readonly allowed: boolean;
  /** When refused: milliseconds until every window admits the request; 0 when allowed. */
  readonly retryAfterMs: number;
  /** Same order as the windows given. */
  readonly windows: readonly WindowState[];
  /** The state to keep, same order as the windows; the previous state when refused. */
  readonly tats: readonly (Tat | undefined)[];
  /** Milliseconds after which every window is full again, so the state may be forgotten. */
  readonly idleAfterMs: number;
}

/** Throws a RangeError for windows or costs the integer arithmetic cannot serve exactly. */
export function assertValidRequest(windows: readonly RateWindow[], cost: number): void {
  if (windows.length === 0) throw new RangeError('rate limit: at least one window is required');
  if (!Number.isSafeInteger(cost) || cost < 1) throw new RangeError(`rate limit: cost must be a positive integer, got ${cost}`);
  const names = new Set<string>();
  for (const { name, limit, windowMs } of windows) {
    if (names.has(name)) throw new RangeError(`rate limit: window '${name}' is given twice`);
    names.add(name);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`rate limit: window '${name}' limit must be a positive integer, got ${limit}`);
    if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`rate limit: window '${name}' windowMs must be a positive integer, got ${windowMs}`);
    // Units reach limit * windowMs (+ cost * windowMs): they must stay exact in a double.
    if (!Number.isSafeInteger((limit + cost) * windowMs)) throw new RangeError(`rate limit: window '${name}' is too large to count exactly`);
  }
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/** How far the TAT is ahead of now, in units; 0 once it has passed. */
function debtOf(tat: Tat | undefined, limit: number, nowMs: number): number {
  return tat === undefined ? 0 : Math.max(0, (tat.ms - nowMs) * limit + tat.frac);
}

/**
 * Decides one request of `cost` against every window: admitted only if each window
 * admits it, and only then does every window's TAT advance.
 * `nowMs` must be an integer (milliseconds since the epoch).
 */
export function gcraDecide(
  windows: readonly RateWindow[],
  previous: readonly (Tat | undefined)[],
  nowMs: number,
  cost = 1,
): GcraOutcome {
  assertValidRequest(windows, cost);
  const debts = windows.map((w, i) => debtOf(previous[i], w.limit, nowMs));
  const admits = windows.map((w, i) => (debts[i] ?? 0) + cost * w.windowMs <= w.limit * w.windowMs);
  const allowed = admits.every(Boolean);

  const states: WindowState[] = [];
  const tats: (Tat | undefined)[] = [];
  let retryAfterMs = 0;
  let idleAfterMs = 0;
  windows.forEach((w, i) => {
    const capacity = w.limit * w.windowMs;
    const before = debts[i] ?? 0;
    const debt = allowed ? before + cost * w.windowMs : before;
    let wait = 0;
    if (!admits[i]) {
      // A cost above the limit never fits; report when the window is full again, the most a wait can give.
      wait = cost > w.limit ? Math.max(1, ceilDiv(before, w.limit)) : ceilDiv(before + cost * w.windowMs - capacity, w.limit);
    }
    const resetMs = ceilDiv(debt, w.limit);
    states.push({
      name: w.name,
      limit: w.limit,
      windowMs: w.windowMs,
      remaining: Math.floor((capacity - debt) / w.windowMs),
      resetMs,
      retryAfterMs: wait,
    });
    tats.push(allowed ? { ms: nowMs + Math.floor(debt / w.limit), frac: debt % w.limit } : previous[i]);
    // Each window only grows more permissive with time, so the longest wait is exact.
    retryAfterMs = Math.max(retryAfterMs, wait);
    idleAfterMs = Math.max(idleAfterMs, resetMs);
  });
  return { allowed, retryAfterMs, windows: states, tats, idleAfterMs };
}
