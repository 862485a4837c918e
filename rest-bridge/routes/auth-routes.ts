import { z } from 'zod';
import { ok, route, type BridgeRoute } from '../bridge-route.ts';

const credentials = z.object({ email: z.string().min(1), password: z.string().min(1) });
const tier = z.enum(['free', 'pro', 'enterprise', 'admin']);
const userSummary = z.object({ user_id: z.string(), email: z.string(), tier });

type User = { id: string; email: string; tier: string };
const userOf = (user: User) => ({ user_id: user.id, email: user.email, tier: user.tier });

/** 100X identity routes (seed 001). */
export const AUTH_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/auth/register',
    tag: 'auth',
    auth: 'none',
    summary: 'Create a free-tier user (REGISTRATION_ENABLED)',
    body: credentials,
    response: userSummary.extend({ created_at: z.string() }),
    successStatus: 201,
    operation: ({ body }) => ({
      document: 'mutation RestRegister($input: RegisterInput!) { register(input: $input) { id email tier createdAt } }',
      variables: { input: body },
    }),
    result: ({ register }) => ok({ ...userOf(register), created_at: register.createdAt }, 201, 'User registered'),
  }),
  route({
    method: 'POST',
    path: '/auth/login',
    tag: 'auth',
    auth: 'none',
    summary: 'Exchange email and password for a bearer token',
    body: credentials,
    response: z.object({ access_token: z.string(), token_type: z.literal('bearer'), expires_in: z.number().int(), user: userSummary }),
    operation: ({ body }) => ({
      document: 'mutation RestLogin($input: LoginInput!) { login(input: $input) { accessToken tokenType expiresIn account { id email tier } } }',
      variables: { input: body },
    }),
    result: ({ login }) => ({ access_token: login.accessToken, token_type: 'bearer', expires_in: login.expiresIn, user: userOf(login.account) }),
  }),
  route({
    method: 'POST',
    path: '/auth/verify',
    tag: 'auth',
    summary: "The presented credential's user and expiry",
    response: z.object({
      valid: z.boolean(),
      kind: z.string(),
      user: userSummary,
      tier,
      scopes: z.array(z.string()),
      expires_at: z.string().nullable(),
    }),
    operation: () => ({ document: 'query RestVerify { verify { valid kind tier scopes expiresAt user { id email tier } } }', variables: {} }),
    result: ({ verify }) => ({ valid: verify.valid, kind: verify.kind, user: userOf(verify.user), tier: verify.tier, scopes: verify.scopes, expires_at: verify.expiresAt }),
  }),
  route({
    method: 'POST',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Revoke the access token used for this call',
    response: z.object({ revoked: z.boolean() }),
    operation: () => ({ document: 'mutation RestLogout { logout }', variables: {} }),
    result: ({ logout }) => ({ revoked: logout }),
  }),
];
