/** A row's idempotency key: the same on every run of the row, different for every row of every job. */
export const rowKeyOf = (operationId: string, rowNumber: number): string => `${operationId}:${rowNumber}`;
