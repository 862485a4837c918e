import { setTimeout as sleep } from 'node:timers/promises';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { contractCodeOf } from '../../core/errors/errors.ts';
import { retryAfterSecondsOf } from '../../core/errors/failure-class.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { BulkOperation } from '../../prisma/generated/client.ts';
import { edgeContext } from '../executor/edge-context.ts';
import type { ClaimedOperation } from './bulk-queue.ts';
import { BULK_CLIENT_ADDRESS, type BulkRuntime } from './bulk-runtime.ts';
import { exportWriter, type ExportFormat } from './export-writer.ts';
import { announce } from './import-runner.ts';

type Page = { rows: readonly Record<string, unknown>[]; next: string | null };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The rows of one page: the first root field's value, read as a connection
 * (`nodes` or `edges { node }` beside `pageInfo { endCursor hasNextPage }`), a
 * list, or a single object.
 */
function pageOf(data: Record<string, unknown> | null): Page {
  const value = data ? Object.values(data)[0] : null;
  if (Array.isArray(value)) return { rows: value.filter(isRecord), next: null };
  if (!isRecord(value)) return { rows: [], next: null };
  const pageInfo = value['pageInfo'];
  const nodes = Array.isArray(value['nodes']) ? value['nodes'] : Array.isArray(value['edges']) ? value['edges'].map((edge) => (isRecord(edge) ? edge['node'] : null)) : null;
  if (nodes && isRecord(pageInfo)) {
    const next = pageInfo['hasNextPage'] === true && typeof pageInfo['endCursor'] === 'string' ? pageInfo['endCursor'] : null;
    return { rows: nodes.filter(isRecord), next };
  }
  return { rows: [value], next: null };
}

/** Paged when the query declares `$after` (the cursor each next page is asked for with). */
function declaresAfter(query: string): boolean {
  const operation = parse(query).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  return operation?.variableDefinitions?.some((definition) => definition.variable.name.value === 'after') ?? false;
}

/**
 * Runs an export as its owner: page after page through the executor, each page
 * written to the file as it arrives and then dropped, so memory holds one page
 * whatever the export's size. The lease is renewed per page; a cancelled or lost
 * job stops and its partial file is discarded. A gateway killed mid-export
 * leaves the job to be taken again, and the export starts over.
 */
export async function runExport(runtime: BulkRuntime, claim: ClaimedOperation, operation: BulkOperation): Promise<void> {
  const principal = operation.principal as unknown as Principal;
  const query = operation.query ?? '';
  const variables = (operation.variables ?? {}) as Record<string, unknown>;
  const paged = declaresAfter(query);
  const writer = await exportWriter(operation.format as ExportFormat);
  const saved = runtime.exportFiles.save(writer.output);
  // Until the runner decides, a failed save must not be an unhandled rejection.
  saved.catch(() => undefined);
  let total = 0;
  let after: string | null = (variables['after'] as string | undefined) ?? null;
  let failure: string | null = null;
  for (let page = 0; ; page += 1) {
    if (runtime.stopping() || !(await runtime.queue.renew(claim))) {
      writer.output.destroy(new Error('export stopped'));
      await runtime.queue.release(claim);
      return;
    }
    // Each page counts once against the owner's limit, like a request; a refusal waits out its Retry-After, keeping the lease.
    const verdict = await runtime.rateLimit(principal, BULK_CLIENT_ADDRESS);
    if (verdict.refusal) {
      const seconds = retryAfterSecondsOf(contractCodeOf(verdict.refusal), verdict.refusal.extensions) ?? 1;
      await sleep(Math.min(seconds * 1000, runtime.leaseMs / 3));
      page -= 1;
      continue;
    }
    const context = edgeContext(principal, `bulk_${operation.id}_p${page}`, BULK_CLIENT_ADDRESS, runtime.sign);
    const result = await runtime.execute(query, { ...variables, ...(paged ? { after } : {}) }, context);
    const [error] = result.errors;
    if (error) {
      failure = `${String(error.extensions?.['code'] ?? 'ERROR')}: ${error.message}`;
      break;
    }
    const { rows, next } = pageOf(result.data);
    for (const row of rows) await writer.write(row);
    total += rows.length;
    if (!paged || next === null) break;
    after = next;
  }
  if (failure !== null) {
    writer.output.destroy(new Error(failure));
    await announce(runtime, await runtime.queue.finish(claim, { status: 'failed', error: failure }));
    return;
  }
  await writer.end();
  const file = await saved;
  const finished = await runtime.queue.finish(claim, { status: 'completed', storageKey: file.storageKey, sizeBytes: file.sizeBytes, totalRows: total });
  if (finished) await announce(runtime, finished);
  else {
    await runtime.exportFiles.remove(file.storageKey);
  }
}
