import { expect } from 'vitest';
import { graphql, type Credentials } from '../support/graphql-client.ts';

/** GraphQL steps the webhook suites share. */
export const ENDPOINT_FIELDS = 'id url description eventTypes payloadFilter enabled disabledReason previousSecretExpiresAt';
export const DELIVERY_FIELDS =
  'id webhookId eventType payload status attemptCount nextAttemptAt lastResponseStatus lastError redeliveryOf completedAt attempts { nodes { attemptNumber succeeded responseStatus responseExcerpt error durationMs } }';

export interface CreatedEndpoint {
  readonly id: string;
  readonly secret: string;
}

export async function createEndpoint(baseUrl: string, credentials: Credentials, input: Record<string, unknown>): Promise<CreatedEndpoint> {
  const result = await graphql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
    baseUrl,
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`,
    { input },
    credentials,
  );
  expect(result.errors).toBeUndefined();
  return { id: result.data!.createWebhookEndpoint.endpoint.id, secret: result.data!.createWebhookEndpoint.secret };
}

export async function sendTest(baseUrl: string, credentials: Credentials, endpointId: string, message?: string): Promise<{ id: string; webhookId: string }> {
  const result = await graphql<{ sendTestWebhook: { id: string; webhookId: string } }>(
    baseUrl,
    'mutation($id: ID!, $message: String) { sendTestWebhook(endpointId: $id, message: $message) { id webhookId status } }',
    { id: endpointId, message },
    credentials,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.sendTestWebhook;
}

export async function delivery(baseUrl: string, credentials: Credentials, id: string) {
  const result = await graphql(baseUrl, `query($id: ID!) { webhookDelivery(id: $id) { ${DELIVERY_FIELDS} } }`, { id }, credentials);
  expect(result.errors).toBeUndefined();
  return result.data!['webhookDelivery'];
}

export async function endpoint(baseUrl: string, credentials: Credentials, id: string) {
  const result = await graphql(baseUrl, `query($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT_FIELDS} } }`, { id }, credentials);
  expect(result.errors).toBeUndefined();
  return result.data!['webhookEndpoint'];
}
