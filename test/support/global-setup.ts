import { existsSync } from 'node:fs';
import { CHROMIUM } from './browser.ts';
import { REDIS_SERVER } from './redis-server.ts';

/**
 * What the environment lacks, said once and loudly before the suites run: a
 * suite that needs a real service is skipped without it, and a quiet skip reads
 * like a pass.
 */
export function missingServices(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (!env['DATABASE_URL']) missing.push('DATABASE_URL is not set: every real-Postgres suite (and the Postgres half of the walking, webhook, usage and migration suites) is SKIPPED');
  if (!env['REDIS_URL']) missing.push('REDIS_URL is not set: the Redis store, two-replica and separate-process suites are SKIPPED');
  if (!existsSync(REDIS_SERVER)) missing.push(`${REDIS_SERVER} is missing: the Redis outage suites (throwaway redis-server) are SKIPPED`);
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} is missing: the browser suites are SKIPPED (apt-get install chromium)`);
  return missing;
}

export default function announceSkippedSuites(): void {
  const missing = missingServices(process.env);
  if (missing.length === 0) return;
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n${missing.map((line) => `!! ${line}`).join('\n')}\n${bar}\n`);
}
