/** A small GraphQL-over-HTTP client for tests: real requests, full response kept. */
export interface GraphQLResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T | null | undefined;
  readonly errors: ReadonlyArray<{ message: string; extensions?: { code?: string; [key: string]: unknown } }> | undefined;
}

export interface Credentials {
  readonly token?: string;
  readonly apiKey?: string;
  readonly headers?: Record<string, string>;
}

export async function graphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  credentials: Credentials = {},
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...credentials.headers };
  if (credentials.token) headers['authorization'] = `Bearer ${credentials.token}`;
  if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}

export function firstErrorCode(result: GraphQLResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

/** A response body as loosely typed JSON, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
