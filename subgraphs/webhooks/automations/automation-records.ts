import { notFound } from '../../../core/errors/errors.ts';
import type { Principal } from '../../../core/identity/principal.ts';
import type { Automation, PrismaClient } from '../../../prisma/generated/client.ts';
import { isUuid } from '../../shared/ids.ts';

/**
 * Automations are their owner's alone, admins included: an action runs as its
 * owner, so nobody else may read, change or even learn of it ("not found").
 */
export function automationRecords(prisma: PrismaClient) {
  return {
    async own(principal: Principal, id: string): Promise<Automation> {
      const automation = isUuid(id) ? await prisma.automation.findUnique({ where: { id } }) : null;
      if (!automation || automation.ownerId !== principal.userId) throw notFound(`Automation '${id}' not found`);
      return automation;
    },

    /** Stops an automation: no new runs, and its pending ones are cancelled. Idempotent. */
    async disable(id: string, reason: string): Promise<void> {
      const now = new Date();
      await prisma.$transaction(async (tx) => {
        await tx.automation.updateMany({ where: { id, enabled: true }, data: { enabled: false, disabledReason: reason, disabledAt: now } });
        await tx.automationRun.updateMany({
          where: { automationId: id, status: 'pending' },
          data: { status: 'cancelled', claimToken: null, lastError: `automation disabled: ${reason}`, completedAt: now },
        });
      });
    },
  };
}
