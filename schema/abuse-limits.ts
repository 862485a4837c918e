/**
 * Login attempts allowed before the auth subgraph refuses with
 * RATE_LIMIT_EXCEEDED: per account (guessing one password) and per client address
 * (spraying many accounts). Counted in the same store as request limits.
 */
export const LOGIN_ATTEMPT_LIMITS = {
  perAccount: { name: 'login-account', limit: 10, windowMs: 15 * 60_000 },
  perAddress: { name: 'login-address', limit: 50, windowMs: 15 * 60_000 },
} as const;
