/** The Standard Webhooks payload shape: `{type, timestamp, data}`; the same bytes on every retry. */
export function webhookBody(eventType: string, occurredAt: Date, payload: unknown): string {
  return JSON.stringify({ type: eventType, timestamp: occurredAt.toISOString(), data: payload });
}
