import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { UsageSink } from './usage-record.ts';

/** One multi-row INSERT per batch. */
export function prismaUsageSink(prisma: PrismaClient): UsageSink {
  return async (records) => {
    await prisma.usageRecord.createMany({ data: records.map((record) => ({ ...record })) });
  };
}
