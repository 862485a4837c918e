import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { EventResolvers } from './event-resolvers.ts';
import type { FanOutGroups } from './fan-out-groups.ts';
import { sharedPayload, type SharedPayload } from './shared-payload.ts';
import { socketDelivery } from './socket-delivery.ts';
import type { SubscriptionContext } from './subscription-context.ts';

/** A subscription operation's context: its connection's, plus where its frames go. */
export interface OperationContext extends SubscriptionContext {
  readonly socket: WebSocket;
  /** The graphql-ws operation id chosen by the client. */
  readonly operationId: string;
}

export interface GroupedSubscribeOptions {
  readonly resolvers: EventResolvers;
  readonly groups: FanOutGroups;
  /** The `next` payload of a result as the client gets it (errors masked to contract codes). */
  readonly format: (result: ExecutionResult) => Record<string, unknown>;
}

/**
 * graphql-ws's `subscribe`: the subscriber's own source stream (its field's
 * access rule, its entitlement filter), then, per event, the group's shared
 * payload, executed by graphql-js once per group with the event as root value
 * and serialised once. A refusal while creating the stream comes back as the
 * ExecutionResult graphql-js `subscribe` would have returned.
 */
export function groupedSubscribe(options: GroupedSubscribeOptions): (args: ExecutionArgs) => Promise<ExecutionResult | AsyncGenerator<never, undefined>> {
  const { resolvers, groups } = options;
  return async (args) => {
    const withResolvers: ExecutionArgs = { ...args, subscribeFieldResolver: resolvers.subscribeFieldResolver, fieldResolver: resolvers.fieldResolver };
    const stream = await createSourceEventStream(withResolvers);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const events = stream as AsyncGenerator<AnyPlatformEvent, undefined>;
    const field = resolvers.fieldOf(stream);
    if (!field) {
      await events.return(undefined);
      throw new Error('A subscription stream this gateway did not open');
    }
    const context = args.contextValue as OperationContext;
    const key = groups.keyOf(args, context);
    const run = async (event: AnyPlatformEvent): Promise<SharedPayload> =>
      sharedPayload(JSON.stringify(options.format(await execute({ ...withResolvers, rootValue: field.shape(event) }))));
    return socketDelivery({
      events,
      socket: context.socket,
      operationId: context.operationId,
      payloadOf: (event) => groups.payloadOf(key, event, () => run(event)),
    });
  };
}
