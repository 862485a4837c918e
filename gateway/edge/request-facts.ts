import type { Exchange } from '../../core/http/exchange.ts';

export type Transport = 'graphql' | 'rest';

/** The route that answered, by pattern; `unmatched` for a path no route claims. */
export const routeOf = (exchange: Exchange): string => exchange.route ?? 'unmatched';

export const transportOf = (route: string): Transport => (route === 'GET /graphql' || route === 'POST /graphql' ? 'graphql' : 'rest');
