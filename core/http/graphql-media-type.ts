// GraphQL over HTTP (graphql.github.io/graphql-over-http): which media type a
// client asked for decides the response's Content-Type and, for request errors,
// its status. Apollo Server applies this to its own answers; the edge's answers
// (401, 429, 503, a body too large) use the same choice through this file.
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const APPLICATION_JSON = 'application/json';

interface Acceptable {
  readonly type: string;
  readonly q: number;
  readonly order: number;
}

function acceptable(accept: string): Acceptable[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = params.map((param) => /^q=([\d.]+)$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { type, q: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.type !== '' && entry.q > 0);
}

/** The media type to answer a GraphQL request with: the client's preferred of the two, application/json otherwise. */
export function graphqlResponseMediaType(accept: string | undefined): typeof GRAPHQL_RESPONSE_JSON | typeof APPLICATION_JSON {
  if (!accept) return APPLICATION_JSON;
  const ranked = acceptable(accept).sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { type } of ranked) {
    if (type === GRAPHQL_RESPONSE_JSON) return GRAPHQL_RESPONSE_JSON;
    if (type === APPLICATION_JSON || type === 'application/*' || type === '*/*') return APPLICATION_JSON;
  }
  return APPLICATION_JSON;
}

/**
 * A client that names application/json and not the GraphQL media type is a
 * legacy GraphQL-over-HTTP client: the spec asks for 200 on request errors
 * (parse, validation, variable coercion) so such clients read the body. A
 * client sending `*` / `*` or no Accept keeps the contract's 400.
 */
export function asksForLegacyJsonOnly(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = acceptable(accept).map((entry) => entry.type);
  return types.includes(APPLICATION_JSON) && !types.includes(GRAPHQL_RESPONSE_JSON);
}
