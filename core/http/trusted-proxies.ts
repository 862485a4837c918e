import { BlockList, isIP } from 'node:net';

/**
 * Which hops of X-Forwarded-For are proxies of ours (TRUST_PROXY), as Express's
 * `trust proxy` reads it, except that `true` trusts one hop (the peer), not all:
 * trusting every hop means believing the left-most entry, which the client writes.
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'addresses'; readonly list: BlockList };

/** Express's names for common proxy ranges. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Throws an Error naming the bad entry; config turns it into a ConfigError for TRUST_PROXY. */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim().toLowerCase();
  if (text === 'false' || text === '0') return { kind: 'none' };
  if (text === 'true') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) };
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('must be true, false, a hop count, or a list of addresses/CIDRs');
  const list = new BlockList();
  for (const entry of entries.flatMap((entry) => NAMED_RANGES[entry] ?? [entry])) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`'${entry}' is not an address, CIDR or one of ${Object.keys(NAMED_RANGES).join(', ')}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32)) throw new Error(`'${entry}' has an invalid prefix length`);
    list.addSubnet(address, bits, type);
  }
  return { kind: 'addresses', list };
}

/**
 * The client's address from the socket's peer and the X-Forwarded-For entries
 * (left to right): walking from the right, the first hop not trusted. Entries
 * left of it were written by someone we do not trust, so they are never read.
 */
export function firstUntrustedHop(peer: string, forwardedFor: readonly string[], trust: TrustProxy): string {
  const hops = [peer, ...[...forwardedFor].reverse()];
  for (let index = 0; index < hops.length - 1; index += 1) {
    if (!trusts(trust, hops[index] ?? '', index)) return hops[index] ?? peer;
  }
  return hops[hops.length - 1] ?? peer;
}

/**
 * The X-Forwarded-For to pass on: the client and the trusted hops after it, then
 * the peer. Entries left of the client were written by someone we do not trust,
 * so they are dropped rather than handed to a backend that may believe them.
 */
export function forwardedChain(peer: string, forwardedFor: readonly string[], trust: TrustProxy): string[] {
  const hops = [peer, ...[...forwardedFor].reverse()];
  let index = 0;
  while (index < hops.length - 1 && trusts(trust, hops[index] ?? '', index)) index += 1;
  return hops.slice(0, index + 1).reverse();
}

/** True when the socket's peer is one of our proxies, so its X-Forwarded-* headers may be believed. */
export const peerIsTrusted = (peer: string, trust: TrustProxy): boolean => trusts(trust, peer, 0);

function trusts(trust: TrustProxy, address: string, index: number): boolean {
  switch (trust.kind) {
    case 'none':
      return false;
    case 'hops':
      return index < trust.hops;
    case 'addresses': {
      const family = isIP(address);
      return family !== 0 && trust.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    }
    default: {
      const never: never = trust;
      return never;
    }
  }
}
