import { print, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { SharedPayload } from './shared-payload.ts';
import { EVENT_ENTITY_FIELDS } from './subscription-fields.ts';
import type { SubscriptionContext } from './subscription-context.ts';

export interface FanOutGroups {
  /**
   * The group a subscription belongs to: subscriptions with the same key get
   * the same `next` payload for every event both are entitled to.
   */
  keyOf(args: ExecutionArgs, context: SubscriptionContext): string;
  /**
   * The serialised payload of one event for one group, computed by the first
   * member that asks and shared by every other member of the group.
   */
  payloadOf(key: string, event: AnyPlatformEvent, compute: () => Promise<SharedPayload>): Promise<SharedPayload>;
}

/**
 * Which subscriptions may share a payload. An event's payload is a function of
 * the event, the schema, the document, the operation name and the variables,
 * except below the entity fields of EVENT_ENTITY_FIELDS: those are fetched
 * through Apollo with the subscriber's identity, so shield rules and resolvers
 * (owner checks, scopes, tier, the key or token itself, the client address a
 * subgraph is told) may answer differently per subscriber. So a document that
 * selects no entity field groups across principals (entitlement to the event
 * is still decided per subscriber, before it reaches the group), and one that
 * selects any groups only subscribers with an identical principal and client
 * address: everything the edge context hands the subgraphs but the request id.
 *
 * Payloads are kept per event object in a WeakMap: the hub hands every feed the
 * same event object, so the entry lives exactly as long as some subscriber still
 * has the event queued, however far behind a slow socket is.
 */
export function fanOutGroups(): FanOutGroups {
  const schemaIds = new WeakMap<GraphQLSchema, number>();
  const documents = new WeakMap<DocumentNode, { readonly schema: GraphQLSchema; readonly text: string; readonly entityFields: boolean }>();
  const payloads = new WeakMap<AnyPlatformEvent, Map<string, Promise<SharedPayload>>>();
  let nextSchemaId = 0;

  const schemaIdOf = (schema: GraphQLSchema): number => {
    let id = schemaIds.get(schema);
    if (id === undefined) schemaIds.set(schema, (id = nextSchemaId++));
    return id;
  };
  const documentOf = (schema: GraphQLSchema, document: DocumentNode) => {
    let known = documents.get(document);
    // Which fields are entity fields is a question about the schema: a new supergraph asks it again.
    if (known?.schema !== schema) documents.set(document, (known = { schema, text: print(document), entityFields: selectsEntityField(schema, document) }));
    return known;
  };

  return {
    keyOf(args, context) {
      const document = documentOf(args.schema, args.document);
      const visibility = document.entityFields ? JSON.stringify([context.principal, context.clientAddress]) : '';
      return JSON.stringify([schemaIdOf(args.schema), document.text, args.operationName ?? null, args.variableValues ?? {}, visibility]);
    },
    payloadOf(key, event, compute) {
      let byGroup = payloads.get(event);
      if (!byGroup) payloads.set(event, (byGroup = new Map()));
      let payload = byGroup.get(key);
      if (!payload) byGroup.set(key, (payload = compute()));
      return payload;
    },
  };
}

/** Whether any field of the document, fragments included, is an entity field fetched with the subscriber's identity. */
export function selectsEntityField(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        // A field the schema does not know cannot be checked: treat it as principal-dependent.
        if (!parent || EVENT_ENTITY_FIELDS[`${parent.name}.${node.name.value}`] || !typeInfo.getFieldDef()) found = true;
      },
    }),
  );
  return found;
}
