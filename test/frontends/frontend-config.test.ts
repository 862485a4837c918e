import { describe, expect, it } from 'vitest';
import { testConfig } from '../support/gateway-harness.ts';

describe('frontend configuration', () => {
  it('LANDING_PAGE: Sandbox by default outside production, the static page in production, as set otherwise', () => {
    expect(testConfig().landingPage).toBe('sandbox');
    expect(testConfig({ NODE_ENV: 'production', UPSTREAM_SIGNING_SECRET: 'u'.repeat(32), TRAINING_CALLBACK_SECRET: 't'.repeat(32) }).landingPage).toBe('static');
    expect(testConfig({ LANDING_PAGE: 'graphiql' }).landingPage).toBe('graphiql');
    expect(testConfig({ LANDING_PAGE: 'off' }).landingPage).toBe('off');
    expect(() => testConfig({ LANDING_PAGE: 'playground' })).toThrow(/LANDING_PAGE/);
  });

  it('CORS_ALLOWED_HEADERS: a list of header names added to the defaults', () => {
    expect(testConfig({ CORS_ALLOWED_HEADERS: 'X-Tenant-Id, traceparent' }).cors.extraAllowedHeaders).toEqual(['X-Tenant-Id', 'traceparent']);
    expect(testConfig().cors.extraAllowedHeaders).toEqual([]);
    expect(() => testConfig({ CORS_ALLOWED_HEADERS: 'X-Ok, not a header' })).toThrow(/CORS_ALLOWED_HEADERS/);
  });
});
