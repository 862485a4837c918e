import { buildSchema, parse, type ExecutionArgs } from 'graphql';
import { describe, expect, it } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { fanOutGroups, selectsEntityField } from '../../gateway/subscriptions/fan-out-groups.ts';
import { sharedPayload } from '../../gateway/subscriptions/shared-payload.ts';
import type { SubscriptionContext } from '../../gateway/subscriptions/subscription-context.ts';

const schema = buildSchema(`
  type Query { module(slug: String!): Module }
  type Module { slug: String! name: String! }
  type ModuleStatusEvent { slug: String! status: String! module: Module }
  type Subscription { moduleStatusChanged(slug: String): ModuleStatusEvent! }
`);
const user = (userId: string, scopes: Principal['scopes'] = []): Principal => ({ kind: 'user', userId, tier: 'free', scopes, tokenId: `jti-${userId}`, expiresAt: 2_000_000_000, mfaVerified: false, mfaRequired: false });
const contextOf = (principal: Principal, clientAddress = '127.0.0.1'): SubscriptionContext => ({ principal, clientAddress, connectionId: 'ws_test', end: () => undefined });
const argsOf = (query: string, variableValues: Record<string, unknown> = {}): ExecutionArgs => ({ schema, document: parse(query), variableValues });

const EVENT_ONLY = 'subscription { moduleStatusChanged { slug status } }';
const WITH_ENTITY = 'subscription { moduleStatusChanged { slug module { name } } }';
const ENTITY_IN_FRAGMENT = 'subscription { moduleStatusChanged { ...F } } fragment F on ModuleStatusEvent { module { name } }';

describe('fan-out groups', () => {
  it('finds entity fields in the selection and in fragments', () => {
    expect(selectsEntityField(schema, parse(EVENT_ONLY))).toBe(false);
    expect(selectsEntityField(schema, parse(WITH_ENTITY))).toBe(true);
    expect(selectsEntityField(schema, parse(ENTITY_IN_FRAGMENT))).toBe(true);
  });

  it('groups an event-fields-only document across principals, but not across variables or documents', () => {
    const groups = fanOutGroups();
    const alice = groups.keyOf(argsOf(EVENT_ONLY), contextOf(user('alice')));
    expect(groups.keyOf(argsOf(EVENT_ONLY), contextOf(user('bob'), '10.0.0.9'))).toBe(alice);
    expect(groups.keyOf(argsOf('subscription($s: String) { moduleStatusChanged(slug: $s) { slug status } }', { s: 'a' }), contextOf(user('alice')))).not.toBe(
      groups.keyOf(argsOf('subscription($s: String) { moduleStatusChanged(slug: $s) { slug status } }', { s: 'b' }), contextOf(user('alice'))),
    );
    expect(groups.keyOf(argsOf('subscription { moduleStatusChanged { status slug } }'), contextOf(user('alice')))).not.toBe(alice);
  });

  it('groups a document with entity fields only for an identical principal and client address', () => {
    const groups = fanOutGroups();
    for (const query of [WITH_ENTITY, ENTITY_IN_FRAGMENT]) {
      const alice = groups.keyOf(argsOf(query), contextOf(user('alice')));
      expect(groups.keyOf(argsOf(query), contextOf(user('alice')))).toBe(alice);
      expect(groups.keyOf(argsOf(query), contextOf(user('bob')))).not.toBe(alice);
      expect(groups.keyOf(argsOf(query), contextOf(user('alice', ['read:keys'])))).not.toBe(alice);
      expect(groups.keyOf(argsOf(query), contextOf(user('alice'), '10.0.0.9'))).not.toBe(alice);
    }
  });

  it('computes one payload per event and group, shared by every member that asks', async () => {
    const groups = fanOutGroups();
    const event = platformEvent('module.status_changed', null, { slug: 'a', status: 'up', previous: 'down' });
    let computed = 0;
    const compute = async () => sharedPayload(JSON.stringify({ data: { n: ++computed } }));
    const [first, second] = await Promise.all([groups.payloadOf('g', event, compute), groups.payloadOf('g', event, compute)]);
    expect(first).toBe(second);
    expect(computed).toBe(1);
    await groups.payloadOf('other', event, compute);
    expect(computed).toBe(2);
    expect(first!.frame('1')).toBe(first!.frame('1'));
    expect(JSON.parse(first!.frame('op-7').toString())).toEqual({ id: 'op-7', type: 'next', payload: { data: { n: 1 } } });
  });
});
