import type { ASTVisitor, ValidationContext } from 'graphql';
import { contractError } from '../../core/errors/errors.ts';

/**
 * `@apollo/gateway` cannot execute subscriptions and fails them as an internal
 * error; over HTTP they are the client's mistake, so they are refused during
 * validation (400 VALIDATION_ERROR) with where to send them instead. The
 * WebSocket server runs subscriptions itself and never reaches this rule.
 */
export function subscriptionsOverWebSocketRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return;
      context.reportError(contractError('VALIDATION_ERROR', 'Subscriptions are served over WebSocket (graphql-transport-ws protocol) at /graphql, not over HTTP'));
    },
  };
}
