import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/** Why a URL may not be called (a webhook target, a media link): the message names the reason. */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** A checked URL: connect to `address` (checked), never resolve `url`'s host again. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Addresses no tenant-chosen URL may reach — loopback, private, link-local (cloud metadata),
 * CGNAT, multicast, reserved — each with the name a refusal gives it. Checked in order, so a
 * narrower range listed first names the address (`::1` before `::/96`).
 */
const BLOCKED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'a "this network" (unspecified)'], ['10.0.0.0', 8, 'a private (RFC 1918)'], ['100.64.0.0', 10, 'a carrier-grade NAT (shared)'],
  ['127.0.0.0', 8, 'a loopback'], ['169.254.169.254', 32, 'a link-local (cloud metadata)'], ['169.254.0.0', 16, 'a link-local'],
  ['172.16.0.0', 12, 'a private (RFC 1918)'], ['192.0.0.0', 24, 'a reserved (IETF protocol)'], ['192.0.2.0', 24, 'a documentation'],
  ['192.88.99.0', 24, 'a reserved (6to4 relay)'], ['192.168.0.0', 16, 'a private (RFC 1918)'], ['198.18.0.0', 15, 'a benchmarking'],
  ['198.51.100.0', 24, 'a documentation'], ['203.0.113.0', 24, 'a documentation'], ['224.0.0.0', 4, 'a multicast'], ['240.0.0.0', 4, 'a reserved'],
];
const BLOCKED_V6: [string, number, string][] = [
  ['::', 128, 'the unspecified'], ['::1', 128, 'a loopback'], ['::', 96, 'an IPv4-compatible (deprecated)'], ['64:ff9b::', 96, 'a NAT64'],
  ['64:ff9b:1::', 48, 'a NAT64 (local-use)'], ['100::', 64, 'a discard-only'], ['2001:db8::', 32, 'a documentation'],
  ['fc00::', 7, 'a unique-local (private)'], ['fe80::', 10, 'a link-local'], ['fec0::', 10, 'a site-local (deprecated)'], ['ff00::', 8, 'a multicast'],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, 'ipv6');
const NAMED = [
  ...BLOCKED_V4.map(([a, p, name]) => ({ a, p, name, family: 'ipv4' as const })),
  ...BLOCKED_V6.map(([a, p, name]) => ({ a, p, name, family: 'ipv6' as const })),
].map(({ a, p, name, family }) => {
  const list = new BlockList();
  list.addSubnet(a, p, family);
  return { list, name, family };
});

/** What kind of internal address `address` is, e.g. "a loopback address"; undefined when public. */
export function describeBlockedAddress(address: string): string | undefined {
  const a = unmapIPv4(address);
  const v = isIP(a);
  if (v === 0) return 'not an IP';
  const family = v === 4 ? 'ipv4' : 'ipv6';
  const hit = NAMED.find((n) => n.family === family && n.list.check(a, family));
  return hit ? `${hit.name} address` : undefined;
}

/** `::ffff:a.b.c.d` and `::ffff:xxxx:yyyy` → `a.b.c.d` (so a mapped address is judged as IPv4). */
export function unmapIPv4(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return address;
}

/** True when `address` (an IP literal) is in a range tenant-chosen URLs may not reach. */
export function isBlockedAddress(address: string): boolean {
  const a = unmapIPv4(address);
  const v = isIP(a);
  if (v === 4) return blocked.check(a, 'ipv4');
  if (v === 6) return blocked.check(a, 'ipv6');
  return true;
}

export interface TargetGuardOptions {
  /** Hosts or CIDRs allowed although private (`127.0.0.1/32`, `::1/128`, `receiver.internal`). */
  allow?: string;
  /** The variable `allow` came from, named when an entry is malformed (e.g. `NOTIFIER_ALLOWED_TARGETS`). */
  allowSource?: string;
  requireHttps?: boolean;
  /** What the URL is for, named in refusals ("webhooks", "media links"). */
  purpose?: string;
  /** DNS resolution (tests inject one); default dns.lookup with every address. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

/**
 * The SSRF guard of tenant-chosen URLs: webhook targets (ADR 0082), media links (ADR 0109). A URL passes when it is http(s) (https in
 * production), has no credentials, and every address its host resolves to is public or in the
 * operator's allow-list. The caller connects to the returned address (no second resolution,
 * so a DNS answer that changes between check and connect cannot redirect the request).
 */
export class TargetGuard {
  private readonly allowHosts = new Set<string>();
  private readonly allowed = new BlockList();
  private readonly resolve: (host: string) => Promise<{ address: string; family: number }[]>;

  constructor(private readonly options: TargetGuardOptions = {}) {
    for (const entry of (options.allow ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const [addr, bits] = entry.split('/');
      const v = isIP(addr ?? '');
      if (v === 0) {
        this.allowHosts.add(entry.toLowerCase());
        continue;
      }
      const prefix = bits === undefined ? (v === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (v === 4 ? 32 : 128)) throw new Error(`${options.allowSource ?? 'allow-list'}: bad prefix in "${entry}"`);
      this.allowed.addSubnet(addr!, prefix, v === 4 ? 'ipv4' : 'ipv6');
    }
    this.resolve = options.resolve ?? ((host) => lookup(host, { all: true, verbatim: true }));
  }

  /** The URL's syntax only (scheme, credentials); throws TargetRefusedError. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefusedError('is not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefusedError('must be an http(s) URL');
    if (this.options.requireHttps && url.protocol !== 'https:') throw new TargetRefusedError('must use https');
    if (url.username || url.password) throw new TargetRefusedError('must not carry credentials');
    if (!url.hostname) throw new TargetRefusedError('has no host');
    return url;
  }

  private allowedAddress(address: string): boolean {
    const a = unmapIPv4(address);
    const v = isIP(a);
    return v !== 0 && this.allowed.check(a, v === 4 ? 'ipv4' : 'ipv6');
  }

  /** Resolves and checks; throws TargetRefusedError naming the refused address. */
  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parse(raw);
    // WHATWG URL already turned decimal/hex/octal IPv4 forms (http://2130706433/) into dotted quads
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const hostAllowed = this.allowHosts.has(host.toLowerCase());
    let addresses: { address: string; family: number }[];
    if (isIP(host) !== 0) {
      addresses = [{ address: host, family: isIP(host) }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (err) {
        throw new TargetRefusedError(`host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      if (addresses.length === 0) throw new TargetRefusedError(`host ${host} does not resolve`);
    }
    if (!hostAllowed) {
      const bad = addresses.find((a) => isBlockedAddress(a.address) && !this.allowedAddress(a.address));
      if (bad) {
        throw new TargetRefusedError(
          `resolves to ${unmapIPv4(bad.address)}, ${describeBlockedAddress(bad.address) ?? 'an internal address'} (not allowed for ${this.options.purpose ?? 'outbound requests'})`,
        );
      }
    }
    const first = addresses[0]!;
    return { url, address: unmapIPv4(first.address), family: isIP(unmapIPv4(first.address)) === 6 ? 6 : 4 };
  }
}
