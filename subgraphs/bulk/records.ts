import { notFound } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { BulkOperation, Prisma, PrismaClient } from '../../prisma/generated/client.ts';
import { isUuid } from '../shared/ids.ts';

const mayRead = (principal: Principal, ownerId: string) => principal.tier === 'admin' || principal.userId === ownerId;

/**
 * Lookups that answer "not found" for a job the caller may not see, so nobody
 * learns that another user's job exists. Admins see all.
 */
export function bulkRecords(prisma: PrismaClient) {
  return {
    async find(principal: Principal, id: string): Promise<BulkOperation | null> {
      const operation = isUuid(id) ? await prisma.bulkOperation.findUnique({ where: { id } }) : null;
      return operation && mayRead(principal, operation.ownerId) ? operation : null;
    },
    async get(principal: Principal, id: string): Promise<BulkOperation> {
      const operation = await this.find(principal, id);
      if (!operation) throw notFound(`Bulk operation '${id}' not found`);
      return operation;
    },
    visible(principal: Principal): Prisma.BulkOperationWhereInput {
      return principal.tier === 'admin' ? {} : { ownerId: principal.userId };
    },
  };
}
