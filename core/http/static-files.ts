import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Route } from './exchange.ts';

/** A page or script of our own, under the content security policy its page needs. */
export function sendText(response: ServerResponse, type: string, body: string, csp: string): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', `${type}; charset=utf-8`);
  response.setHeader('Content-Security-Policy', csp);
  response.end(body);
}

/** A file of an npm package, streamed: the docs viewers and GraphiQL come from node_modules, never a CDN. */
export function packageFileRoute(path: string, type: string): Route {
  return async ({ response }) => {
    response.statusCode = 200;
    response.setHeader('Content-Type', type);
    response.setHeader('Cache-Control', 'public, max-age=86400');
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      stream.on('end', resolve);
      stream.pipe(response);
    });
  };
}
