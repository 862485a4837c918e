import type { ApolloServerPlugin } from '@apollo/server';
import { assertJsonInput } from '../../core/http/json-input.ts';
import type { EdgeContext } from './edge-context.ts';

/**
 * Variables obey the rules of JSON input (json-input.ts) before anything coerces
 * them: every way in (GET's query string, the REST bridge, bulk rows, automations)
 * reaches the executor through here, and graphql-js coerces recursively, so a
 * value nested past the limit is refused with a 400 instead of overflowing the stack.
 */
export function jsonVariablesPlugin(maxDepth: number): ApolloServerPlugin<EdgeContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          if (request.variables) assertJsonInput(request.variables, maxDepth, ['variables']);
        },
      };
    },
  };
}
