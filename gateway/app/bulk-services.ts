import { join } from 'node:path';
import type { Logger } from '../../core/logger.ts';
import type { Router, RouteTable } from '../../core/http/exchange.ts';
import { bulkEventPublisher, recordBulkStatusChange } from '../../subgraphs/bulk/bulk-events.ts';
import { bulkQueue } from '../bulk/bulk-queue.ts';
import { bulkDownloadRouter, bulkRoutes } from '../bulk/bulk-routes.ts';
import { startBulkWorker } from '../bulk/bulk-worker.ts';
import { importIntake } from '../bulk/import-intake.ts';
import type { EdgeSteps } from '../edge/edge-steps.ts';
import { uploadStore } from '../uploads/upload-store.ts';
import { EDGE_TOKEN_HEADROOM } from '../executor/operation-limits.ts';
import type { AppConfig } from './config/app-config.ts';
import type { GatewayServices } from './gateway-services.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { Storage } from './storage.ts';

export interface BulkServices {
  readonly routes: (steps: EdgeSteps) => RouteTable;
  readonly router: (steps: EdgeSteps) => Router;
}

/** Bulk import and export: the intake behind POST /api/v1/bulk/import, the downloads, and this gateway's worker. */
export async function bulkServices(config: AppConfig, storage: Storage, services: GatewayServices, lifecycle: Lifecycle, logger: Logger): Promise<BulkServices> {
  const { prisma } = storage.database;
  // Exports are produced, not uploaded: no upload limit applies to them.
  const exportFiles = await uploadStore({ dir: join(config.v1.uploads.dir, 'bulk-exports'), maxBytes: Number.MAX_SAFE_INTEGER });
  const publish = bulkEventPublisher({ events: storage.shared.events, logger });
  const recordStatusChange = (event: Parameters<typeof publish>[0]) => recordBulkStatusChange(prisma, event);
  const intake = importIntake({ prisma, schema: () => services.apiSchema(), maxRows: config.bulk.maxRows, maxJsonDepth: config.operationLimits.maxJsonDepth, publish, recordStatusChange });
  if (config.bulk.workerEnabled) {
    const worker = startBulkWorker(
      {
        prisma,
        queue: bulkQueue(prisma, { leaseMs: config.bulk.leaseMs }),
        execute: services.execute,
        rateLimit: services.rateLimit,
        sign: services.tokens.sign,
        schema: () => services.apiSchema(),
        edgeDocuments: services.edgeDocuments,
        publish,
        recordStatusChange,
        exportFiles,
        logger,
        batchSize: config.bulk.batchSize,
        leaseMs: config.bulk.leaseMs,
        maxTokens: config.operationLimits.maxTokens * EDGE_TOKEN_HEADROOM,
      },
      { pollMs: config.bulk.pollMs },
    );
    // Jobs queued on any replica reach every worker over the bus; polling only catches what no event announces.
    const unsubscribe = storage.shared.events.subscribe((event) => {
      if (event.type === 'bulk.operation_updated' && event.payload.status === 'queued') worker.wake();
    });
    lifecycle.onShutdown('stop workers', 'bulk worker', () => {
      unsubscribe();
      return worker.stop();
    });
  }
  const options = { prisma, intake, maxBytes: config.bulk.maxBytes, exportFiles, secret: config.v1.callbackSecret };
  return { routes: bulkRoutes(options), router: bulkDownloadRouter(options) };
}
