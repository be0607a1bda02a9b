import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/** Why a webhook URL may not be called (answered as 400 at creation, a failed attempt at delivery). */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** A URL checked for delivery: connect to `address` (checked), never resolve `url`'s host again. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Addresses no tenant's webhook may reach: loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved. */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128], ['::1', 128], ['::', 96] /* IPv4-compatible (deprecated) */, ['64:ff9b::', 96] /* NAT64 */, ['64:ff9b:1::', 48],
  ['100::', 64] /* discard */, ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, 'ipv6');

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

/** True when `address` (an IP literal) is in a range webhooks may not reach. */
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
  requireHttps?: boolean;
  /** DNS resolution (tests inject one); default dns.lookup with every address. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

/**
 * The SSRF guard of webhook targets (ADR 0082). A URL passes when it is http(s) (https in
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
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (v === 4 ? 32 : 128)) throw new Error(`NOTIFIER_ALLOWED_TARGETS: bad prefix in "${entry}"`);
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
          `resolves to ${unmapIPv4(bad.address)}, a loopback, private, link-local or otherwise internal address (not allowed for webhooks)`,
        );
      }
    }
    const first = addresses[0]!;
    return { url, address: unmapIPv4(first.address), family: isIP(unmapIPv4(first.address)) === 6 ? 6 : 4 };
  }
}
