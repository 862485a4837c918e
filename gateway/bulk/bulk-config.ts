/** The bulk jobs' settings (BULK_*), resolved once by the configuration root. */
export interface BulkConfig {
  /** BULK_WORKER_ENABLED: this gateway runs bulk jobs. @default true */
  readonly workerEnabled: boolean;
  /** BULK_MAX_BYTES: the largest import file. @default 100 MiB */
  readonly maxBytes: number;
  /** BULK_MAX_ROWS: the most data rows of one import. @default 1,000,000 */
  readonly maxRows: number;
  /** BULK_BATCH_SIZE: rows claimed per batch, run as power-of-two chunks (lowered to fit the token ceiling). @default 512 */
  readonly batchSize: number;
  /** BULK_LEASE_MS: how long a job stays with a worker that stopped renewing it. @default 30 s */
  readonly leaseMs: number;
  /** BULK_POLL_MS: how often an idle worker looks for a job. @default 500 ms */
  readonly pollMs: number;
}
