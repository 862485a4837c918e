import { z } from 'zod';
import { parseTrustProxy } from '../../../core/http/trusted-proxies.ts';
import { isSubgraphName, SUBGRAPH_NAMES, type SubgraphName } from '../../../schema/subgraph-names.ts';
import { findModule } from '../../../schema/modules.ts';
import { parseTier, TIER_NAMES, type Tier } from '../../../schema/tiers.ts';
import { isV1ServiceName, V1_SERVICE_NAMES } from '../../../schema/v1-services.ts';
import { parseDuration } from '../../../core/durations.ts';
import { TARGET_CATEGORY_NAMES, type TargetCategory } from '../../../subgraphs/webhooks/delivery/target-guard.ts';

// The value formats of the environment variables: each parses one string and names what it expects.

export const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const trustProxySetting = z.string().transform((value, ctx) => {
  try {
    return parseTrustProxy(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

export const redisUrl = z
  .string()
  .url()
  .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://');

export const secret = z.string().min(32, 'must be at least 32 characters');

export const subgraphUrls = z
  .string()
  .transform((value, ctx) => {
    const urls: Partial<Record<SubgraphName, string>> = {};
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, url] = entry.split(/=(.*)/s, 2);
      if (!name || !url || !isSubgraphName(name) || !URL.canParse(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry '${entry}' must be <name>=<url> with a name among ${SUBGRAPH_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }
      urls[name] = url;
    }
    return urls;
  });

/** `free=20/100,pro=200/1000`: per-minute/per-hour limits by tier. */
export const tierLimits = z.string().transform((value, ctx) => {
  const tiers: Partial<Record<Tier, { perMinute: number; perHour: number }>> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)\/(\d+)$/.exec(entry);
    const tier = match?.[1] as Tier | undefined;
    if (!match || !tier || !TIER_NAMES.includes(tier) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      ctx.addIssue({ code: 'custom', message: `entry '${entry}' must be <tier>=<perMinute>/<perHour> with a tier among ${TIER_NAMES.join(', ')}` });
      return z.NEVER;
    }
    tiers[tier] = { perMinute: Number(match[2]), perHour: Number(match[3]) };
  }
  return tiers;
});

export type UpstreamEntry = { url: string; timeoutMs?: number; retries?: number };

/** `code-sandbox=http://10.0.0.7:8000;timeout=5000;retries=1,drone-system=http://…` */
export const upstreamList = (isKnown: (name: string) => boolean, names: string) =>
  z.string().transform((value, ctx) => {
    const upstreams: Record<string, UpstreamEntry> = {};
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [assignment, ...options] = entry.split(';');
      const [name, url] = (assignment ?? '').split(/=(.*)/s, 2);
      const settings: UpstreamEntry = { url: url ?? '' };
      let valid = Boolean(name && isKnown(name) && url && /^https?:\/\//.test(url) && URL.canParse(url));
      for (const option of options) {
        const [optionName, raw] = option.split('=', 2);
        const number = Number(raw);
        if (optionName === 'timeout' && Number.isInteger(number) && number > 0) settings.timeoutMs = number;
        else if (optionName === 'retries' && Number.isInteger(number) && number >= 0) settings.retries = number;
        else valid = false;
      }
      if (!valid || !name) {
        ctx.addIssue({ code: 'custom', message: `entry '${entry}' must be <${names}>=<http(s) url>[;timeout=<ms>][;retries=<n>]` });
        return z.NEVER;
      }
      upstreams[name] = settings;
    }
    return upstreams;
  });

export const moduleUpstreams = upstreamList((slug) => findModule(slug) !== undefined, 'module slug');
export const v1Upstreams = upstreamList(isV1ServiceName, `service among ${V1_SERVICE_NAMES.join(', ')}`);

export const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' must be a duration like 500ms, 5s, 5m, 2h or 1d` });
    return z.NEVER;
  }
  return ms;
});

/** `0,5s,5m,30m,2h`: the delay before each attempt. */
export const retrySchedule = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((entry) => parseDuration(entry));
  if (delays.length === 0 || delays.some((delay) => delay === null)) {
    ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations like 0,5s,5m,30m,2h' });
    return z.NEVER;
  }
  return delays as number[];
});

/** `loopback,private,link-local`, `all` or `none`. */
export const targetCategories = z.string().transform((value, ctx) => {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 1 && entries[0] === 'none') return [];
  if (entries.length === 1 && entries[0] === 'all') return [...TARGET_CATEGORY_NAMES];
  const unknown = entries.find((entry) => !(TARGET_CATEGORY_NAMES as string[]).includes(entry));
  if (unknown !== undefined) {
    ctx.addIssue({ code: 'custom', message: `'${unknown}' is not one of ${TARGET_CATEGORY_NAMES.join(', ')} (or all, none)` });
    return z.NEVER;
  }
  return entries as TargetCategory[];
});

/** `admin` or `enterprise,admin`: the tiers whose users must sign in with a second factor. */
export const requiredMfaTiers = z.string().transform((value, ctx) => {
  const tiers: Tier[] = [];
  for (const entry of value.split(',').map((name) => name.trim()).filter(Boolean)) {
    const tier = parseTier(entry);
    if (tier === undefined) {
      ctx.addIssue({ code: 'custom', message: `'${entry}' is not a tier (${TIER_NAMES.join(', ')})` });
      return z.NEVER;
    }
    if (!tiers.includes(tier)) tiers.push(tier);
  }
  return tiers;
});
