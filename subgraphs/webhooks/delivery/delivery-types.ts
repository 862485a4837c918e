// What the queue hands out and what an attempt leaves behind, shared by the queue, the recording and the worker.

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly claimToken: string;
  /** 1-based; counts claims, so an attempt cut short by a crash still counts. */
  readonly attemptNumber: number;
  readonly messageId: string;
  readonly eventType: string;
  readonly payload: unknown;
  readonly occurredAt: Date;
  readonly endpointId: string;
  readonly ownerId: string;
  readonly url: string;
  readonly secrets: readonly string[];
}

export interface AttemptRecord {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly succeeded: boolean;
  readonly responseStatus: number | null;
  readonly responseExcerpt: string | null;
  readonly error: string | null;
  /** Where the delivery goes next: done, failed for good, or due again after a delay. */
  readonly next: { readonly status: 'succeeded' } | { readonly status: 'failed' } | { readonly status: 'pending'; readonly delayMs: number };
}

export interface RecordedAttempt {
  /** False when the claim had lapsed (another worker took the delivery over) or the endpoint was disabled meanwhile. */
  readonly recorded: boolean;
  /** When the endpoint's current run of failures began; null after a success. */
  readonly failingSince: Date | null;
}

/** One finished attempt waiting to be written. */
export interface AttemptEntry {
  readonly delivery: ClaimedDelivery;
  readonly attempt: AttemptRecord;
}
