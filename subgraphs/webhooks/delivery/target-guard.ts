import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.ts';

/**
 * SSRF guard. A webhook URL is chosen by a client, so the gateway must not be
 * turned into a probe of its own network: targets resolving to these ranges are
 * refused unless configuration allows the category (WEBHOOK_ALLOW_PRIVATE_TARGETS).
 */
export const TARGET_CATEGORIES = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
} as const satisfies Record<string, readonly string[]>;

export type TargetCategory = keyof typeof TARGET_CATEGORIES;
export const TARGET_CATEGORY_NAMES = Object.keys(TARGET_CATEGORIES) as TargetCategory[];

/** Never a valid destination, whatever the configuration: "this host", multicast, reserved. */
const ALWAYS_REFUSED = ['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', '::/128', 'ff00::/8'];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export class RefusedTargetError extends Error {
  constructor(readonly address: string, readonly category: string) {
    super(`target address ${address} is ${category} and not allowed`);
    this.name = 'RefusedTargetError';
  }
}

export interface TargetGuard {
  /** The reason an address is refused, or null when it may be called. */
  refusal(address: string): string | null;
  /** Throws RefusedTargetError when the URL's host is a refused IP literal (sockets skip the lookup for those). */
  checkLiteral(url: URL): void;
  /** Resolves the URL's host and throws RefusedTargetError when any address is refused; unresolvable hosts pass. */
  checkUrl(url: URL): Promise<void>;
  /** A `lookup` for sockets, so the address actually connected to is the one checked (no DNS rebinding). */
  readonly lookup: LookupFunction;
}

export function targetGuard(allowed: readonly TargetCategory[]): TargetGuard {
  const refused = TARGET_CATEGORY_NAMES.filter((category) => !allowed.includes(category)).map(
    (category) => [category, blockListOf(TARGET_CATEGORIES[category])] as const,
  );
  const never = blockListOf(ALWAYS_REFUSED);

  const refusal = (raw: string): string | null => {
    // IPv4-mapped, NAT64, 6to4 and Teredo addresses reach the IPv4 address inside them.
    const address = embeddedIpv4(raw) ?? raw;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) return 'not an IP address';
    if (never.check(address, family)) return 'reserved';
    for (const [category, list] of refused) if (list.check(address, family)) return category;
    return null;
  };

  const checkLiteral = (url: URL): void => {
    const host = hostOf(url);
    if (isIP(host) === 0) return;
    const reason = refusal(host);
    if (reason) throw new RefusedTargetError(host, reason);
  };

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const entry of addresses) {
        const reason = refusal(entry.address);
        if (reason) return callback(new RefusedTargetError(entry.address, reason), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      callback(null, first.address, first.family);
    });
  };

  return {
    refusal,
    lookup,
    checkLiteral,
    async checkUrl(url) {
      const host = hostOf(url);
      if (isIP(host) !== 0) return checkLiteral(url);
      const addresses = await new Promise<LookupAddress[]>((resolve) =>
        dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)),
      );
      for (const entry of addresses) {
        const reason = refusal(entry.address);
        if (reason) throw new RefusedTargetError(entry.address, reason);
      }
    },
  };
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');
