import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { CHROMIUM, launchChromium, loopbackOnlyPage } from '../support/browser.ts';
import { startTestGateway } from '../support/gateway-harness.ts';

const USER = { email: 'explorer@example.test', password: 'correct horse battery' };

/** The little of the DOM these page functions use (the project compiles without the DOM library). */
interface CodeMirrorElement {
  readonly CodeMirror: { getValue(): string; setValue(value: string): void };
}
interface PageDocument {
  querySelector(selector: string): CodeMirrorElement | null;
  querySelectorAll(selector: string): Iterable<CodeMirrorElement>;
}

/** GraphiQL's editors are CodeMirror 5 instances; their text is read and written through it. */
const editorValues = (page: Page) =>
  page.evaluate(() =>
    [...(globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.CodeMirror')].map((element) => element.CodeMirror.getValue()),
  );

async function run(page: Page, operation: string): Promise<void> {
  // Until the schema has loaded (the docs button shows), GraphiQL ignores the run button.
  await page.locator('[aria-label="Show Documentation Explorer"]').waitFor({ timeout: 20_000 });
  await page.evaluate((text) => {
    (globalThis as unknown as { document: PageDocument }).document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror.setValue(text);
  }, operation);
  // GraphiQL reads the operation from its editor state, updated a moment after the edit.
  await page.waitForTimeout(500);
  await page.locator('.graphiql-execute-button').click();
}

const responseText = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? '');

async function waitForResponse(page: Page, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await responseText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`the response pane never matched ${pattern}: ${text}`);
}

// The machine has no network beyond loopback; every request the page makes is checked to stay there.
describe.runIf(existsSync(CHROMIUM))('self-hosted GraphiQL, offline, in Chromium', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ LANDING_PAGE: 'graphiql' });
    ({ token } = await registerAndLogin(gateway.url, USER.email, USER.password));
    await createApiKey(gateway.url, token, { name: 'explorer-key' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('signs in, runs me { apiKeys } with the token it filled in, and receives a subscription event', async () => {
    const { page, problems } = await loopbackOnlyPage(browser);
    await page.goto(`${gateway.url}/graphiql`, { waitUntil: 'networkidle' });
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 20_000 });
    // The explorer plugin is there beside the docs.
    await expect(page.locator('[aria-label="Show GraphiQL Explorer"]').count()).resolves.toBe(1);

    await run(page, `mutation SignIn { login(input: { email: "${USER.email}", password: "${USER.password}" }) { accessToken user { email } } }`);
    await waitForResponse(page, /accessToken/);
    // GraphiQL re-renders with the token in its headers editor.
    await expect.poll(async () => (await editorValues(page)).some((value) => /"Authorization": "Bearer ey/.test(value)), { timeout: 10_000 }).toBe(true);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();

    await run(page, 'query Me { me { apiKeys { name } } }');
    expect(await waitForResponse(page, /explorer-key/)).toContain('"name": "explorer-key"');

    await run(page, 'subscription KeyEvents { apiKeyChanged { kind key { name } } }');
    await page.waitForTimeout(1_000);
    await createApiKey(gateway.url, token, { name: 'made-while-watching' });
    expect(await waitForResponse(page, /made-while-watching/)).toContain('"kind": "created"');

    expect(problems).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('is the /graphql landing page with LANDING_PAGE=graphiql, under a CSP that lets it load', async () => {
    const { page, problems } = await loopbackOnlyPage(browser);
    const response = await page.goto(`${gateway.url}/graphql`, { waitUntil: 'networkidle' });
    expect(response?.headers()['content-security-policy']).toContain("font-src 'self' data:");
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 20_000 });
    expect(await editorValues(page)).toEqual(expect.arrayContaining([expect.stringContaining('mutation SignIn')]));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('serves its page and scripts from this gateway under a CSP allowing this origin only', async () => {
    const page = await fetch(`${gateway.url}/graphiql`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    const html = await page.text();
    for (const src of html.matchAll(/(?:src|href)="(\/[^"]+)"/g)) {
      expect(src[1]).toMatch(/^\/graphiql\/assets\//);
      expect((await fetch(`${gateway.url}${src[1]}`)).status).toBe(200);
    }
  });
});
