/**
 * Shares one pending call among every caller asking the same thing while it is
 * in flight; the entry is dropped as soon as it settles, so nothing is cached.
 * Callers get the same settled value, so it must be immutable (text, not parsed
 * JSON: Apollo's executor writes into the objects a subgraph returns).
 */
export class InFlightRequests<T> {
  private readonly pending = new Map<string, Promise<T>>();
  private shared = 0;

  run(key: string, call: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) {
      this.shared += 1;
      return existing;
    }
    const started = call().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }

  /** Calls answered by joining one already in flight, since start. */
  sharedCount(): number {
    return this.shared;
  }
}
