// Bundled by esbuild for a test page: a frontend's Apollo Client with clientAwareness on.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';

async function signIn(uri: string, headers: Record<string, string>, input: { email: string; password: string }): Promise<unknown> {
  const client = new ApolloClient({
    link: new HttpLink({ uri, headers }),
    cache: new InMemoryCache(),
    clientAwareness: { name: 'browser-frontend', version: '2.1.0' },
  });
  try {
    const { data } = await client.mutate({
      mutation: gql`mutation SignIn($input: LoginInput!) { login(input: $input) { user { email } } }`,
      variables: { input },
    });
    return { data };
  } catch (error) {
    return { error: String(error) };
  }
}

(globalThis as unknown as { signIn: typeof signIn }).signIn = signIn;
