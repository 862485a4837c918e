/**
 * graphql-js names near-miss fields and types in validation errors ("Did you
 * mean …?"), which lets a client map a schema with introspection off. Apollo
 * Server strips them (`hideSchemaDetailsFromClientErrors`); the graphql-ws
 * server validates on its own and strips them with this.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+\?$/s, '').trimEnd();
}
