import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; .ci/run installs it when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumAvailable = existsSync(CHROMIUM);

/** Headless Chromium with a fresh profile; the flags keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const LOOPBACK_URL = /^(http|ws)s?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/**
 * A page whose every request must stay on loopback: any other is recorded, as are
 * failed requests, page errors and console errors. Requests are watched, not
 * intercepted: Playwright answers the CORS preflight of an intercepted request
 * itself, which would hide the gateway's answer.
 */
export async function loopbackOnlyPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!LOOPBACK_URL.test(url) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`left loopback: ${url}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  page.on('websocket', (socket) => {
    if (!LOOPBACK_URL.test(socket.url())) problems.push(`websocket left loopback: ${socket.url()}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
}

/** Bundles a browser entry point once, for a test page. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true, define: { 'process.env.NODE_ENV': '"production"' } });
  return result.outputFiles[0]!.text;
}

/** Serves a page and its script from another loopback origin (`http://localhost:<port>`) than the gateway's. */
export async function servePage(html: string, script: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.setHeader('content-type', 'text/javascript');
      return response.end(script);
    }
    response.setHeader('content-type', 'text/html; charset=utf-8');
    return response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
