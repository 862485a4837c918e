import { SCOPES, type Scope } from './scopes.ts';

/** One row per scope: `satisfies` fails the build when a scope is added without a description. */
export const SCOPE_DOCS = {
  'read:profile': 'Read the signed-in user and their tier.',
  'read:keys': 'List and read your API keys and their usage.',
  'write:keys': 'Create, rotate, revoke and limit your API keys.',
  'read:webhooks': 'List your webhook endpoints, deliveries and attempts.',
  'write:webhooks': 'Create, change, test and redeliver your webhook endpoints; trigger test events.',
  'read:analytics': 'Read your usage analytics.',
  'read:modules': 'List the modules and call their read (GET) routes.',
  'write:modules': 'Call the modules’ writing routes (POST, PUT, PATCH, DELETE).',
  'read:models': 'List models, training jobs, P2P/fog status and tokens of the /v1 services.',
  'write:models': 'Start training, chat, query and upload to the /v1 services.',
  'read:bulk': 'List your bulk imports and exports, read their progress and download their reports and files.',
  'write:bulk': 'Start bulk imports and exports, cancel them and retry failed rows (each row also needs the scopes of the mutation it runs).',
} as const satisfies Record<Scope, string>;

export interface ScopeCatalogEntry {
  readonly scope: Scope;
  readonly action: string;
  readonly resource: string;
  readonly description: string;
}

/** The resources scopes name (`read:keys` → `keys`), for filtering the catalog. */
export const SCOPE_RESOURCES = [...new Set(SCOPES.map((scope) => scope.split(':')[1] ?? scope))];

export function scopeCatalog(): readonly ScopeCatalogEntry[] {
  return SCOPES.map((scope) => {
    const [action = scope, resource = scope] = scope.split(':');
    return { scope, action, resource, description: SCOPE_DOCS[scope] };
  });
}
