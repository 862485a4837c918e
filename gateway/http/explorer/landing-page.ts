import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { GRAPHIQL_PAGE } from './graphiql-page.ts';

/**
 * What a browser sees at GET /graphql (LANDING_PAGE). `sandbox` loads Apollo's
 * hosted Sandbox (development default), `static` is Apollo's production page
 * (production default), `graphiql` the self-hosted GraphiQL that needs no network.
 */
export const LANDING_PAGES = ['sandbox', 'graphiql', 'static', 'off'] as const;
export type LandingPage = (typeof LANDING_PAGES)[number];

export function landingPagePlugin(page: LandingPage): ApolloServerPlugin {
  switch (page) {
    case 'sandbox':
      return ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true });
    case 'static':
      return ApolloServerPluginLandingPageProductionDefault({ footer: false });
    case 'off':
      return ApolloServerPluginLandingPageDisabled();
    case 'graphiql':
      return {
        async serverWillStart() {
          return { renderLandingPage: async () => ({ html: GRAPHIQL_PAGE }) };
        },
      };
    default: {
      const unreachable: never = page;
      return unreachable;
    }
  }
}
