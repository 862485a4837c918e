import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { userOfTier } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { startHealthyUpstream, type TestUpstream } from '../support/upstream-servers.ts';

/** A gateway with a module upstream and the AIVillage stand-in, and users of two tiers. */
export interface BridgeContext {
  readonly gateway: RunningGateway;
  readonly free: { token: string; userId: string };
  readonly pro: { token: string; userId: string };
  /** The AIVillage stand-in behind /v1: its dispatches, and signed training reports as the upstream sends them. */
  readonly aivillage: AIVillageUpstream;
  call(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startBridgeContext(): Promise<BridgeContext> {
  const modules: TestUpstream = await startHealthyUpstream();
  const aivillage: AIVillageUpstream = await startAIVillageUpstream();
  const gateway = await startTestGateway({
    MODULE_UPSTREAMS: `code-sandbox=${modules.url},personal-trainer=${modules.url}`,
    V1_UPSTREAMS: ['agent-forge', 'p2p-fog', 'knowledge'].map((name) => `${name}=${aivillage.url}`).join(','),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
    // One row per batch: a 2,000-row bulk job is still running when the cancel case cancels it.
    BULK_BATCH_SIZE: '1',
    BULK_POLL_MS: '50',
  });
  const free = await userOfTier(gateway.url, 'free@bridge.test', 'free', ADMIN);
  const pro = await userOfTier(gateway.url, 'pro@bridge.test', 'pro', ADMIN);
  return {
    gateway,
    free,
    pro,
    aivillage,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(`${gateway.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    },
    async close() {
      await gateway.close();
      await modules.close();
      await aivillage.close();
    },
  };
}
