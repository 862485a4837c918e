import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';

/**
 * A credential admitted for a few operations only: a sign-in that still owes its
 * second factor (REQUIRE_MFA), an access token that has expired (good for a
 * refresh). Set at the edge once the principal is known; every door checks it:
 * the executor checks each operation's fields, routes that run no operation (the
 * backend pass-through, uploads, WebSockets) refuse it outright.
 */
export interface CredentialLimit {
  /** Says why, as `extensions.reason` of the refusal (`MFA_ENROLMENT_REQUIRED`, `TOKEN_EXPIRED`). */
  readonly reason: string;
  /**
   * Schema coordinates an operation may select (`Mutation.refreshToken`, `User.email`),
   * or every field of a type (`AuthPayload.*`); `__typename` always.
   */
  readonly allows: ReadonlySet<string>;
  /** What anything else answers. */
  readonly refusal: () => GraphQLError;
}

/**
 * The first field of the document (every operation and fragment of it) the limit
 * does not allow, as its coordinate; null when all are allowed. Introspection
 * fields, when allowed, admit their whole subtree (it describes the schema, not data).
 */
export function fieldOutsideLimit(limit: CredentialLimit, schema: GraphQLSchema, document: DocumentNode): string | null {
  const typeInfo = new TypeInfo(schema);
  let outside: string | null = null;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (outside !== null) return false;
        const name = node.name.value;
        if (name === '__typename') return undefined;
        const parent = typeInfo.getParentType()?.name ?? '?';
        const allowed = limit.allows.has(`${parent}.${name}`) || limit.allows.has(`${parent}.*`);
        if (!allowed) {
          outside = `${parent}.${name}`;
          return false;
        }
        return name.startsWith('__') ? false : undefined;
      },
    }),
  );
  return outside;
}
