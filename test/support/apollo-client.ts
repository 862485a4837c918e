import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';

/** An Apollo Client 4 as a frontend would build it, against a running gateway. */
export function apolloClient(baseUrl: string, options: { token?: string; link?: ApolloLink } = {}): ApolloClient {
  const http = new HttpLink({
    uri: `${baseUrl}/graphql`,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  return new ApolloClient({
    link: options.link ? ApolloLink.from([options.link, http]) : http,
    cache: new InMemoryCache(),
    clientAwareness: { name: 'gateway-tests', version: '1.0.0' },
  });
}
