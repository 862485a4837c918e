import { expect } from 'vitest';
import { graphql, type Credentials, type GraphQLResult } from '../support/graphql-client.ts';
import { eventually } from '../support/webhook-receiver.ts';

/** GraphQL steps the automation suites share. */
export const AUTOMATION_FIELDS =
  'id name trigger { eventType condition } delaySeconds action { kind webhookEndpoint { id } mutation variables } enabled disabledReason consecutiveFailures';
export const RUN_FIELDS =
  'id automationId eventId eventType input causedBy status attemptCount nextAttemptAt output lastError startedAt completedAt durationMs attempts { attemptNumber succeeded output error durationMs }';

export interface Run {
  readonly id: string;
  readonly eventType: string;
  readonly input: Record<string, unknown>;
  readonly causedBy: string[];
  readonly status: string;
  readonly attemptCount: number;
  readonly output: unknown;
  readonly lastError: string | null;
  readonly completedAt: string | null;
  readonly durationMs: number;
  readonly attempts: { attemptNumber: number; succeeded: boolean; output: unknown; error: string | null; durationMs: number }[];
}

export function createAutomation(baseUrl: string, credentials: Credentials, input: Record<string, unknown>): Promise<GraphQLResult<{ createAutomation: { id: string } & Record<string, unknown> }>> {
  return graphql(baseUrl, `mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { ${AUTOMATION_FIELDS} } }`, { input }, credentials);
}

export async function createdAutomation(baseUrl: string, credentials: Credentials, input: Record<string, unknown>): Promise<string> {
  const result = await createAutomation(baseUrl, credentials, input);
  expect(result.errors).toBeUndefined();
  return result.data!.createAutomation.id;
}

export async function automation(baseUrl: string, credentials: Credentials, id: string): Promise<Record<string, any> | null> {
  const result = await graphql(baseUrl, `query($id: ID!) { automation(id: $id) { ${AUTOMATION_FIELDS} } }`, { id }, credentials);
  expect(result.errors).toBeUndefined();
  return result.data!['automation'];
}

export async function runsOf(baseUrl: string, credentials: Credentials, automationId: string): Promise<Run[]> {
  const result = await graphql(baseUrl, `query($id: ID!) { automationRuns(automationId: $id, first: 100) { nodes { ${RUN_FIELDS} } } }`, { id: automationId }, credentials);
  expect(result.errors).toBeUndefined();
  return result.data!['automationRuns'].nodes;
}

/** Waits until the automation has `count` runs that are no longer pending. */
export function finishedRuns(baseUrl: string, credentials: Credentials, automationId: string, count: number): Promise<Run[]> {
  return eventually(async () => {
    const runs = await runsOf(baseUrl, credentials, automationId);
    const done = runs.filter((run) => run.status !== 'pending');
    return done.length >= count ? done : undefined;
  });
}
