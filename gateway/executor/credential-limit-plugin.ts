import type { ApolloServerPlugin } from '@apollo/server';
import { fieldOutsideLimit } from '../../core/identity/credential-limit.ts';
import type { EdgeContext } from './edge-context.ts';

/**
 * A credential the edge limited to a few operations (core/identity/credential-limit.ts)
 * may run only operations whose every field is allowed; anything else is refused once
 * the operation resolves, before it is planned, on /graphql and the REST bridge alike.
 */
export const credentialLimitPlugin: ApolloServerPlugin<EdgeContext> = {
  async requestDidStart({ contextValue }) {
    const limit = contextValue.limit;
    if (!limit) return {};
    return {
      async didResolveOperation({ schema, document }) {
        if (fieldOutsideLimit(limit, schema, document) !== null) throw limit.refusal();
      },
    };
  },
};
