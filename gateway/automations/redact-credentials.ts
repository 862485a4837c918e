import { visit, type DocumentNode } from 'graphql';

/**
 * Fields whose values are credentials: a run's output is history kept in the
 * database and shown to the owner, and the contract keeps only hashes of keys, so
 * a mutation that issues one (createApiKey) leaves `"[redacted]"` in its place.
 */
const CREDENTIAL_FIELDS = new Set([
  'apiKey',
  'api_key',
  'secret',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'password',
  'recoveryCodes',
  'otpauthUrl',
]);

/** The response keys that carry credentials in this document: the fields above, under their aliases too. */
export function credentialKeys(document: DocumentNode): ReadonlySet<string> {
  const keys = new Set(CREDENTIAL_FIELDS);
  visit(document, {
    Field(field) {
      if (CREDENTIAL_FIELDS.has(field.name.value) && field.alias) keys.add(field.alias.value);
    },
  });
  return keys;
}

export function redactCredentials(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((inner) => redactCredentials(inner, keys));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([field, inner]) => [field, keys.has(field) && inner !== null ? '[redacted]' : redactCredentials(inner, keys)]),
  );
}
