import { DEFAULT_USER_SCOPES } from '../../schema/scopes.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { PasswordHasher } from '../../subgraphs/auth/passwords.ts';
import type { Logger } from '../../core/logger.ts';

/**
 * On start, ADMIN_EMAIL/ADMIN_PASSWORD create the first admin, or promote an
 * existing account of that email. An existing password is never overwritten.
 */
export async function bootstrapAdmin(
  admin: { email: string; password: string } | null,
  clients: { prisma: PrismaClient; passwords: PasswordHasher; logger: Logger },
): Promise<void> {
  if (!admin) {
    clients.logger.info('no admin bootstrapped: set ADMIN_EMAIL and ADMIN_PASSWORD to create one');
    return;
  }
  const existing = await clients.prisma.user.findUnique({ where: { email: admin.email } });
  if (existing) {
    if (existing.tier !== 'admin') {
      await clients.prisma.user.update({ where: { id: existing.id }, data: { tier: 'admin' } });
      clients.logger.info({ email: admin.email }, 'promoted the existing account to admin');
    }
    return;
  }
  const passwordHash = await clients.passwords.hash(admin.password);
  await clients.prisma.user.upsert({
    where: { email: admin.email },
    create: { email: admin.email, passwordHash, tier: 'admin', scopes: [...DEFAULT_USER_SCOPES] },
    update: {},
  });
  clients.logger.info({ email: admin.email }, 'created the bootstrap admin');
}
