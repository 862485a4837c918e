import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../gateway/app/config/config-error.ts';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { parseDuration } from '../../core/durations.ts';
import { DEFAULT_RETRY_SCHEDULE_MS, delayAfterFailure, parseRetryAfter } from '../../subgraphs/webhooks/delivery/retry-schedule.ts';
import { signWebhook } from '../../subgraphs/webhooks/delivery/signature.ts';
import { RefusedTargetError, targetGuard } from '../../subgraphs/webhooks/delivery/target-guard.ts';
import { matchesPayloadFilter } from '../../subgraphs/webhooks/payload-filter.ts';
import { generateWebhookSecret } from '../../subgraphs/webhooks/secret.ts';

describe('webhook signatures', () => {
  it('are accepted by the standardwebhooks package, with either secret during an overlap', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { n: 1 } });
    const headers = signWebhook('evt_1', Math.floor(Date.now() / 1000), body, [current, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it('match the package signing the same content', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2026-11-23T12:00:00Z');
    const ours = signWebhook('msg_abc', at.getTime() / 1000, '{"a":1}', [secret]);
    expect(ours['webhook-signature']).toBe(new Webhook(secret).sign('msg_abc', at, '{"a":1}'));
  });
});

describe('retry schedule', () => {
  it("defaults to Svix's: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
  });

  it('jitters each delay by at most 20% and ends when the schedule does', () => {
    expect(delayAfterFailure([0, 1000, 2000], 1, null, () => 0)).toBe(800);
    expect(delayAfterFailure([0, 1000, 2000], 1, null, () => 1)).toBe(1200);
    expect(delayAfterFailure([0, 1000, 2000], 2, null, () => 0.5)).toBe(2000);
    expect(delayAfterFailure([0, 1000, 2000], 3, null)).toBeNull();
  });

  it('lets Retry-After lengthen a delay, never shorten it, and caps it at a day', () => {
    expect(delayAfterFailure([0, 1000], 1, 60_000, () => 0.5)).toBe(60_000);
    expect(delayAfterFailure([0, 1000], 1, 10, () => 0.5)).toBe(1000);
    expect(delayAfterFailure([0, 1000], 1, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('parses configured durations', () => {
    expect(['0', '500ms', '5s', '5m', '2h', '1d'].map(parseDuration)).toEqual([0, 500, 5_000, 300_000, 7_200_000, 86_400_000]);
    expect(parseDuration('5 minutes')).toBeNull();
  });
});

describe('SSRF target guard', () => {
  const strict = targetGuard([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'reserved'],
    ['224.0.0.1', 'reserved'],
  ])('refuses %s as %s by default', (address, category) => {
    expect(strict.refusal(address)).toBe(category);
  });

  it('lets public addresses through', () => {
    expect(strict.refusal('93.184.215.14')).toBeNull();
    expect(strict.refusal('2606:4700::1111')).toBeNull();
  });

  it('allows only the categories configured', () => {
    const loopbackOnly = targetGuard(['loopback']);
    expect(loopbackOnly.refusal('127.0.0.1')).toBeNull();
    expect(loopbackOnly.refusal('10.0.0.1')).toBe('private');
    expect(loopbackOnly.refusal('0.0.0.0')).toBe('reserved');
  });

  it.each([
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b:1::c0a8:101', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2002:0:0::1', 'reserved'],
    ['::7f00:1', 'loopback'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
  ])('checks %s by its embedded IPv4 address (%s)', (address, category) => {
    expect(strict.refusal(address)).toBe(category);
  });

  it('lets translated public IPv4 addresses through', () => {
    expect(strict.refusal('64:ff9b::5db8:d70e')).toBeNull();
    expect(strict.refusal('2002:5db8:d70e::1')).toBeNull();
    expect(strict.refusal('::ffff:93.184.215.14')).toBeNull();
  });

  it('refuses embedded addresses in URL literals, which URL normalises to hex', () => {
    for (const host of ['[::ffff:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[2002:7f00:1::]']) {
      expect(() => strict.checkLiteral(new URL(`http://${host}/hook`))).toThrow(RefusedTargetError);
    }
  });

  it('checks names by resolving them, and literals without resolving', async () => {
    await expect(strict.checkUrl(new URL('http://localhost:8080/hook'))).rejects.toBeInstanceOf(RefusedTargetError);
    await expect(strict.checkUrl(new URL('http://[::1]/hook'))).rejects.toBeInstanceOf(RefusedTargetError);
    expect(() => strict.checkLiteral(new URL('http://169.254.169.254/latest/meta-data'))).toThrow(RefusedTargetError);
    await expect(strict.checkUrl(new URL('http://no-such-host.invalid/hook'))).resolves.toBeUndefined();
  });
});

describe('payload filters', () => {
  it('match when every named field is equal', () => {
    expect(matchesPayloadFilter(null, { tier: 'pro' })).toBe(true);
    expect(matchesPayloadFilter({ tier: 'pro' }, { tier: 'pro', userId: 'u' })).toBe(true);
    expect(matchesPayloadFilter({ tier: 'pro' }, { tier: 'free' })).toBe(false);
    expect(matchesPayloadFilter({ tier: 'pro', userId: 'x' }, { tier: 'pro', userId: 'u' })).toBe(false);
  });
});

describe('webhook configuration', () => {
  it('defaults to a running worker, the Svix schedule and no private targets', () => {
    const config = loadConfig({});
    expect(config.webhooks).toEqual({
      workerEnabled: true,
      pollIntervalMs: 1_000,
      concurrency: 50,
      retrySchedule: DEFAULT_RETRY_SCHEDULE_MS,
      timeoutMs: 15_000,
      disableAfterMs: 5 * 86_400_000,
      allowPrivateTargets: [],
    });
  });

  it('reads a short schedule and allowed categories', () => {
    const config = loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,5s,5m', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback,private', WEBHOOK_WORKER_ENABLED: 'false' });
    expect(config.webhooks.retrySchedule).toEqual([0, 5_000, 300_000]);
    expect(config.webhooks.allowPrivateTargets).toEqual(['loopback', 'private']);
    expect(config.webhooks.workerEnabled).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'all' }).webhooks.allowPrivateTargets).toEqual(['loopback', 'private', 'link-local']);
  });

  it.each([
    [{ WEBHOOK_RETRY_SCHEDULE: '0,5 minutes' }, 'WEBHOOK_RETRY_SCHEDULE'],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'intranet' }, 'WEBHOOK_ALLOW_PRIVATE_TARGETS'],
    [{ WEBHOOK_TIMEOUT_MS: '10' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_DISABLE_AFTER: 'never' }, 'WEBHOOK_DISABLE_AFTER'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
