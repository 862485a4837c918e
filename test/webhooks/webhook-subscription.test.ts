import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, type TestSubscriber } from '../support/subscription-client.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const ATTEMPTS = /* GraphQL */ `
  subscription ($endpointId: ID) {
    webhookDelivery(endpointId: $endpointId) { deliveryId endpointId webhookId eventType attemptNumber outcome responseStatus }
  }
`;

describe('the webhookDelivery subscription', () => {
  let gateway: RunningGateway;
  let receiver: WebhookReceiver;
  const subscribers: TestSubscriber[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    gateway = await startTestGateway({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', WEBHOOK_POLL_INTERVAL_MS: '50' });
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose().catch(() => undefined)));
    await gateway?.close();
    await receiver?.close();
  });

  it("streams each attempt of the owner's deliveries to the owner only", async () => {
    const alice = await registerAndLogin(gateway.url, 'alice@hooks-subs.test');
    const bob = await registerAndLogin(gateway.url, 'bob@hooks-subs.test');
    const created = await graphql(
      gateway.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: receiver.url, eventTypes: ['webhook.test'] } },
      { token: alice.token },
    );
    expect(created.errors).toBeUndefined();
    const endpointId = created.data!['createWebhookEndpoint'].endpoint.id as string;

    const before = await openSubscriptions(gateway.url);
    const alices = connectSubscriber(gateway.url, { authorization: `Bearer ${alice.token}` });
    const bobs = connectSubscriber(gateway.url, { authorization: `Bearer ${bob.token}` });
    subscribers.push(alices, bobs);
    const mine = alices.subscribe(ATTEMPTS, { endpointId });
    const theirs = bobs.subscribe(ATTEMPTS);
    await subscriptionsRegistered(gateway.url, before + 2);

    const sent = await graphql(gateway.url, 'mutation($id: ID!) { sendTestWebhook(endpointId: $id, message: "hi") { id webhookId } }', { id: endpointId }, { token: alice.token });
    expect(sent.errors).toBeUndefined();
    const [event] = await mine.received(1);
    expect(event?.data?.['webhookDelivery']).toEqual({
      deliveryId: sent.data!['sendTestWebhook'].id,
      endpointId,
      webhookId: sent.data!['sendTestWebhook'].webhookId,
      eventType: 'webhook.test',
      attemptNumber: 1,
      outcome: 'succeeded',
      responseStatus: 200,
    });
    expect(theirs.results).toEqual([]);
  });
});
