// What the automation run queue hands out and what an action answers: shared by the queue and worker (subgraphs/webhooks/automations/) and the gateway's mutation action.

export type RunAction =
  | { readonly kind: 'webhook'; readonly endpointId: string | null }
  | { readonly kind: 'mutation'; readonly document: string; readonly variables: Record<string, unknown> };

/** A claimed run with what its action needs. */
export interface ClaimedRun {
  readonly id: string;
  readonly claimToken: string;
  /** 1-based; counts claims, so an attempt cut short by a crash still counts. */
  readonly attemptNumber: number;
  readonly automationId: string;
  readonly automationName: string;
  readonly ownerId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventOccurredAt: Date;
  /** The triggering event's payload. */
  readonly input: Record<string, unknown>;
  /** The automations that led to the triggering event; the action's own events carry it plus this automation. */
  readonly causedBy: readonly string[];
  /** The API key whose rights a mutation action is held to (it created or last changed the automation); null: the owner's own. */
  readonly actingKeyId: string | null;
  readonly action: RunAction;
}

/**
 * An attempt's result: done; failed for good (a client mistake, which retrying
 * cannot fix); or worth another attempt (the target or a dependency was down).
 */
export type ActionOutcome =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly error: string; readonly output?: unknown }
  | { readonly kind: 'retry'; readonly error: string; readonly output?: unknown; readonly retryAfterMs?: number | null };

export type ActionRunner = (run: ClaimedRun) => Promise<ActionOutcome>;

/** The actions a worker can run, one per kind; the mutation runner is the gateway's (it needs the executor). */
export type AutomationActions = { readonly [K in RunAction['kind']]: ActionRunner };
