import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway } from '../support/gateway-harness.ts';

const screenshots = join(tmpdir(), 'federation-gateway-docs');

/** Every request the page made that failed or was refused, and every CSP or script error it logged. */
async function openAndWatch(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  return { page, problems };
}

// Debian's chromium is installed by .ci/run; without it this suite cannot run at all.
describe.runIf(chromiumAvailable)('the API docs render in a real headless browser', () => {
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await startTestGateway();
    await mkdir(screenshots, { recursive: true });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('Swagger UI at /api/docs lists the routes, loading nothing from elsewhere', async () => {
    const { page, problems } = await openAndWatch(browser, `${gateway.url}/api/docs`);
    await page.locator('.opblock-summary-path', { hasText: '/auth/login' }).first().waitFor({ timeout: 20_000 });
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths).toEqual(expect.arrayContaining(['/auth/login', '/api-keys/create', '/modules', '/v1/models/train', '/api/v1/api-keys']));
    await page.screenshot({ path: join(screenshots, 'swagger-ui.png') });
    expect(problems).toEqual([]);
  }, 60_000);

  it('ReDoc at /api/redoc lists the routes, loading nothing from elsewhere', async () => {
    const { page, problems } = await openAndWatch(browser, `${gateway.url}/api/redoc`);
    await page.getByText('/v1/models/train', { exact: false }).first().waitFor({ timeout: 20_000 });
    const menu = await page.locator('[role="menuitem"], .menu-content label').allInnerTexts();
    expect(menu.join('\n')).toContain('Exchange email and password for an access and a refresh token');
    await page.screenshot({ path: join(screenshots, 'redoc.png') });
    expect(problems).toEqual([]);
  }, 60_000);
});
