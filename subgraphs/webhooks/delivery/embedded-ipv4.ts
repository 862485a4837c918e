import { isIPv4, isIPv6 } from 'node:net';

/**
 * IPv6 ranges whose packets end up at an IPv4 address written inside them.
 * A NAT64 or 6to4 router on the path turns `64:ff9b::7f00:1` into 127.0.0.1, so
 * the SSRF guard must judge such a target by the IPv4 address, not by the IPv6
 * range, which no category lists.
 * Each row: the fixed leading hextets, and where the IPv4 address sits.
 */
interface Embedding {
  readonly name: string;
  /** Hextets the address must start with. */
  readonly prefix: readonly number[];
  /** Index of the hextet where the 32-bit IPv4 address begins (two hextets). */
  readonly at: number;
  /** Teredo stores the client address inverted. */
  readonly inverted?: true;
}

const EMBEDDINGS: readonly Embedding[] = [
  { name: 'IPv4-mapped (::ffff:0:0/96)', prefix: [0, 0, 0, 0, 0, 0xffff], at: 6 },
  { name: 'IPv4-translated (::ffff:0:0:0/96)', prefix: [0, 0, 0, 0, 0xffff, 0], at: 6 },
  { name: 'IPv4-compatible (::/96, deprecated)', prefix: [0, 0, 0, 0, 0, 0], at: 6 },
  { name: 'NAT64 well-known (64:ff9b::/96)', prefix: [0x64, 0xff9b, 0, 0, 0, 0], at: 6 },
  { name: 'NAT64 local-use (64:ff9b:1::/48)', prefix: [0x64, 0xff9b, 1], at: 6 },
  { name: '6to4 (2002::/16)', prefix: [0x2002], at: 1 },
  { name: 'Teredo (2001::/32)', prefix: [0x2001, 0], at: 6, inverted: true },
];

/** The eight hextets of an IPv6 address (an embedded dotted quad included), or null when it is not one. */
export function ipv6Hextets(address: string): number[] | null {
  if (!isIPv6(address)) return null;
  let text = address.replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, null];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  if (tail === null) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The IPv4 address a packet to this IPv6 address reaches, when it lies in one of
 * the translation ranges; null for any other address (IPv4 ones included).
 * `::` and `::1` are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
 */
export function embeddedIpv4(address: string): string | null {
  if (isIPv4(address)) return null;
  const hextets = ipv6Hextets(address);
  if (!hextets) return null;
  if (hextets.slice(0, 7).every((h) => h === 0) && (hextets[7] ?? 0) <= 1) return null;
  for (const embedding of EMBEDDINGS) {
    if (!embedding.prefix.every((h, i) => hextets[i] === h)) continue;
    const high = hextets[embedding.at] ?? 0;
    const low = hextets[embedding.at + 1] ?? 0;
    const bits = embedding.inverted ? ~((high << 16) | low) >>> 0 : ((high << 16) | low) >>> 0;
    return [bits >>> 24, (bits >>> 16) & 255, (bits >>> 8) & 255, bits & 255].join('.');
  }
  return null;
}
