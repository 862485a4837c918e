import type { GraphQLSchema } from 'graphql';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { Logger } from '../../core/logger.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { BulkEvent } from '../../core/events/bulk-event.ts';
import type { EdgeDocuments } from '../executor/edge-documents.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import type { RateLimitStep } from '../http/rate-limit-step.ts';
import type { BulkQueue } from './bulk-queue.ts';
import type { UploadStore } from '../uploads/upload-store.ts';

/** What the bulk worker's runners are given: the executor and its limits, the queue, the bus. */
export interface BulkRuntime {
  readonly prisma: PrismaClient;
  readonly queue: BulkQueue;
  readonly execute: ExecuteOperation;
  readonly rateLimit: RateLimitStep;
  readonly sign: (call: InternalCall) => Promise<string>;
  readonly schema: () => GraphQLSchema;
  readonly edgeDocuments: EdgeDocuments;
  readonly publish: (event: BulkEvent) => Promise<void>;
  /** Queues the webhook deliveries of a status change (the webhooks outbox, wired by the composition root). */
  readonly recordStatusChange: (event: BulkEvent) => Promise<void>;
  /** Where finished exports are kept (UPLOAD_DIR/bulk-exports). */
  readonly exportFiles: UploadStore;
  readonly logger: Logger;
  /** BULK_BATCH_SIZE: rows per executed operation, lowered to fit GRAPHQL_MAX_TOKENS. */
  readonly batchSize: number;
  readonly maxTokens: number;
  /** BULK_LEASE_MS: a runner that waits renews its lease at least three times as often. */
  readonly leaseMs: number;
  /** True once shutdown began: runners give their job back between batches. */
  readonly stopping: () => boolean;
}

/** The address bulk rows are counted and logged from. */
export const BULK_CLIENT_ADDRESS = 'bulk-worker';
