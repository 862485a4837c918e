import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/database.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { tempDirs } from '../prisma/temp-dirs.ts';

const tempDir = tempDirs();

describe('usage records at shutdown', () => {
  it('writes what is still buffered when the gateway closes', async () => {
    const dataDir = join(await tempDir('usage-shutdown-'), 'pglite');
    // Neither the timer nor the batch size would write these: only closing does.
    const gateway = await startTestGateway({ PGLITE_DATA_DIR: dataDir, USAGE_FLUSH_INTERVAL_MS: '600000', USAGE_BATCH_SIZE: '10000' });
    const { token, userId } = await registerAndLogin(gateway.url, 'shutdown@usage.test');
    for (let n = 0; n < 3; n += 1) await graphql(gateway.url, 'query ShutdownKeys { apiKeys { id } }', {}, { token });
    expect(gateway.usage.buffered()).toBeGreaterThanOrEqual(3);
    await gateway.close();

    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const rows = await database.prisma.usageRecord.findMany({ where: { userId, operationName: 'ShutdownKeys' } });
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({ transport: 'graphql', route: 'POST /graphql', status: 200, tier: 'free' });
    } finally {
      await database.close();
    }
  }, 60_000);
});
