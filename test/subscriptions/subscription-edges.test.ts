import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, wsUrlOf, type TestSubscriber } from '../support/subscription-client.ts';

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

describe('usage over WebSockets', () => {
  it('records each subscription started on /graphql and each legacy /ws message, like HTTP requests', async () => {
    const gateway = await startTestGateway();
    try {
      const { token } = await registerAndLogin(gateway.url, 'ws-usage@subs.test');
      const authed = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
      const before = await openSubscriptions(gateway.url);
      authed.subscribe('subscription WatchKeys { apiKeyChanged { kind } }');
      await subscriptionsRegistered(gateway.url, before + 1);

      const legacy = new WebSocket(wsUrlOf(gateway.url, '/ws'), { headers: { authorization: `Bearer ${token}` } });
      await new Promise((resolve, reject) => legacy.once('open', resolve).once('error', reject));
      const pong = new Promise((resolve) => legacy.once('message', resolve));
      legacy.send(JSON.stringify({ type: 'ping' }));
      await pong;
      legacy.close();
      await authed.dispose();

      await gateway.usage.flush();
      const report = await graphql(gateway.url, '{ myUsage { groups(by: route) { key stats { requests } } } }', {}, { token });
      expect(report.errors).toBeUndefined();
      const byRoute = Object.fromEntries((report.data!['myUsage'].groups as Array<{ key: string; stats: { requests: number } }>).map((group) => [group.key, group.stats.requests]));
      expect(byRoute['WS /graphql']).toBe(1);
      expect(byRoute['WS /ws']).toBe(1);
    } finally {
      await gateway.close();
    }
  }, 30_000);
});
