import { z } from 'zod';

/** The fields every legacy key route selects, and their snake_case form. */
export const API_KEY_FIELDS = 'id name prefix tier scopes status limitPerMinute limitPerHour expiresAt lastUsedAt revokedAt createdAt';

export const apiKeySchema = z.object({
  key_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  tier: z.enum(['free', 'pro', 'enterprise', 'admin']),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'expired', 'revoked']),
  limit_per_minute: z.number().int().nullable(),
  limit_per_hour: z.number().int().nullable(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
});

export function apiKeyOf(key: Record<string, any>): z.infer<typeof apiKeySchema> {
  return {
    key_id: key['id'],
    name: key['name'],
    prefix: key['prefix'],
    tier: key['tier'],
    scopes: key['scopes'],
    status: key['status'],
    limit_per_minute: key['limitPerMinute'],
    limit_per_hour: key['limitPerHour'],
    expires_at: key['expiresAt'],
    last_used_at: key['lastUsedAt'],
    revoked_at: key['revokedAt'],
    created_at: key['createdAt'],
  };
}

export const createdKeySchema = apiKeySchema.extend({ api_key: z.string() });
