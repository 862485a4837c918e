import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, type TestSubscriber } from '../support/subscription-client.ts';

describe('a subscription outliving its access token', () => {
  let gateway: RunningGateway;
  let subscriber: TestSubscriber | undefined;

  beforeAll(async () => {
    // Tokens live five seconds here, so the expiry happens while the test watches.
    gateway = await startTestGateway({ JWT_TTL_SECONDS: '5' });
  });

  afterAll(async () => {
    await subscriber?.dispose().catch(() => undefined);
    await gateway?.close();
  });

  it('is ended with close code 4401 when the token expires', async () => {
    const { token } = await registerAndLogin(gateway.url, 'short-lived@subs.test');
    const before = await openSubscriptions(gateway.url);
    subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
    subscriber.subscribe('subscription { apiKeyChanged { kind keyId } }');
    await subscriptionsRegistered(gateway.url, before + 1);
    const closed = await Promise.race([subscriber.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
    expect(closed).toMatchObject({ code: 4401 });
    expect(closed?.reason).toMatch(/expired/i);
  }, 30_000);
});

describe('a subscription sent over HTTP', () => {
  it('is refused with 400 VALIDATION_ERROR saying where subscriptions are served', async () => {
    const gateway = await startTestGateway({ NODE_ENV: 'development' });
    try {
      const { token } = await registerAndLogin(gateway.url, 'http-subscriber@subs.test');
      const result = await graphql(gateway.url, 'subscription { apiKeyChanged { kind } }', {}, { token });
      expect(result.status).toBe(400);
      expect(firstErrorCode(result)).toBe('VALIDATION_ERROR');
      expect(result.errors?.[0]?.message).toContain('WebSocket');
      // Outside production too, errors carry no stack trace unless EXPOSE_STACK_TRACES asks for one.
      const badDate = await graphql(gateway.url, 'mutation { recoverWebhookDeliveries(endpointId: "x", since: "yesterday") }', {}, { token });
      expect(firstErrorCode(badDate)).toBe('VALIDATION_ERROR');
      expect(JSON.stringify([result.errors, badDate.errors])).not.toMatch(/stacktrace|\.ts:\d+/);
    } finally {
      await gateway.close();
    }
  }, 30_000);
});
