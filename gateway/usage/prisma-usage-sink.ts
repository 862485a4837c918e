import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { UsageSink } from './usage-record.ts';

/**
 * One INSERT per batch, the rows passed as one array per column and unnested by
 * the database: 13 parameters whatever the batch size. Prisma's `createMany`
 * builds one parameter per cell in this process, which at a few thousand records
 * a second cost the gateway a third of its throughput (bench/README.md).
 */
export function prismaUsageSink(prisma: PrismaClient): UsageSink {
  return async (records) => {
    const column = <T>(read: (record: (typeof records)[number]) => T): T[] => records.map(read);
    await prisma.$executeRaw`
      INSERT INTO usage_records
        (occurred_at, request_id, transport, user_id, api_key_id, tier, module, operation_name, route, status, latency_ms, bytes_in, bytes_out)
      SELECT occurred_at, request_id, transport, user_id, api_key_id, tier::"Tier", module, operation_name, route, status, latency_ms, bytes_in, bytes_out
      FROM unnest(
        ${column((r) => r.occurredAt.toISOString())}::timestamp(3)[],
        ${column((r) => r.requestId)}::text[],
        ${column((r) => r.transport)}::text[],
        ${column((r) => r.userId)}::text[],
        ${column((r) => r.apiKeyId)}::uuid[],
        ${column((r) => r.tier)}::text[],
        ${column((r) => r.module)}::text[],
        ${column((r) => r.operationName)}::text[],
        ${column((r) => r.route)}::text[],
        ${column((r) => r.status)}::int[],
        ${column((r) => r.latencyMs)}::float8[],
        ${column((r) => r.bytesIn)}::int[],
        ${column((r) => r.bytesOut)}::int[]
      ) AS batch(occurred_at, request_id, transport, user_id, api_key_id, tier, module, operation_name, route, status, latency_ms, bytes_in, bytes_out)`;
  };
}
