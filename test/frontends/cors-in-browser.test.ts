import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_HEADERS } from '../../core/http/cors.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { bundleForBrowser, CHROMIUM, launchChromium, loopbackOnlyPage, servePage } from '../support/browser.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { registerAndLogin } from '../support/account-flows.ts';

const USER = { email: 'cors-frontend@example.test', password: 'correct horse battery' };
const PAGE_ENTRY = fileURLToPath(new URL('./browser/apollo-client-page.ts', import.meta.url));

describe.runIf(existsSync(CHROMIUM))('CORS preflight from a frontend on another origin, in Chromium', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let page: Awaited<ReturnType<typeof servePage>>;

  beforeAll(async () => {
    page = await servePage('<!doctype html><title>frontend</title><script src="/page.js"></script>', await bundleForBrowser(PAGE_ENTRY));
    gateway = await startTestGateway({ CORS_ORIGINS: new URL(page.url).origin, CORS_ALLOWED_HEADERS: 'X-Tenant-Id' });
    await registerAndLogin(gateway.url, USER.email, USER.password);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await page?.close();
  });

  async function queryFromPage(headers: Record<string, string>): Promise<{ data?: unknown; error?: string; problems: string[] }> {
    const { page: tab, problems } = await loopbackOnlyPage(browser);
    await tab.goto(page.url);
    const answer = await tab.evaluate(
      ([uri, sent, input]) =>
        (globalThis as unknown as { signIn(u: unknown, h: unknown, i: unknown): Promise<{ data?: unknown; error?: string }> }).signIn(uri, sent, input),
      [`${gateway.url}/graphql`, headers, USER] as const,
    );
    await tab.context().close();
    return { ...answer, problems };
  }

  it('admits Apollo Client with clientAwareness, its operation-name header and a token', async () => {
    const answer = await queryFromPage({ authorization: 'Bearer not-checked-before-preflight', 'x-apollo-operation-name': 'SignIn' });
    // The preflight passed: the request reached the edge, which judged the (bad) token. The
    // edge's 401 is a GraphQL response (graphql-response+json), so Apollo Client reads its error.
    expect(answer.error).toMatch(/Invalid token/);
    const anonymous = await queryFromPage({ 'x-apollo-operation-name': 'SignIn' });
    expect(anonymous.error).toBeUndefined();
    expect(anonymous.data).toMatchObject({ login: { user: { email: USER.email } } });
    expect(anonymous.problems).toEqual([]);
  }, 60_000);

  it('admits a header CORS_ALLOWED_HEADERS adds, and still refuses one nobody allowed', async () => {
    const added = await queryFromPage({ 'x-tenant-id': 'acme' });
    expect(added.error).toBeUndefined();
    const refused = await queryFromPage({ 'x-not-allowed': '1' });
    expect(refused.error).toMatch(/fetch/i);
    expect(refused.problems.join('\n')).toMatch(/CORS|failed/);
  }, 60_000);

  it('lists the Apollo and GraphiQL headers in its preflight answer', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: new URL(page.url).origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'apollographql-client-name' },
    });
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(', ');
    expect(allowed).toEqual(expect.arrayContaining([...DEFAULT_ALLOWED_HEADERS.map((name) => name.toLowerCase()), 'x-tenant-id']));
    expect(allowed).toEqual(expect.arrayContaining(['apollographql-client-name', 'apollographql-client-version', 'x-apollo-operation-name', 'accept']));
  });
});
