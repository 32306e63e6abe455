import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';

/**
 * Where TrustSync may send a vendor request. An integration's endpoint is chosen by a user, so
 * outside development only HTTPS to the vendor's own hosts (or hosts the operator allowed) on
 * public addresses is sent; the check runs on every request (redirect targets included) and
 * again on the address DNS returns, so a public name resolving to a private address is refused.
 */
export interface OutboundPolicy {
  /** Development and sandboxes: any scheme, host and address. */
  allowPrivate: boolean;
  /** Host patterns allowed besides each vendor's own (`*.example.com`, `tenant.example.net`): private tenants, sandboxes. */
  allowedHosts: readonly string[];
}

/** The policy plus the host patterns of the vendor being called (from its manifest). */
export interface OutboundGuard extends OutboundPolicy {
  vendorHosts: readonly string[];
}

const PRIVATE_V4: Array<[number, number]> = [
  // [network, prefix length]
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xe0000000, 4], [0xf0000000, 4],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

/** True for loopback, private, carrier-grade NAT, link-local, multicast, reserved and unspecified addresses (v4 and v6). */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const version = isIP(ip);
  if (version === 4) {
    const n = v4ToInt(ip);
    return PRIVATE_V4.some(([net, bits]) => (n >>> (32 - bits)) === (net >>> (32 - bits)));
  }
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    if (mapped) return isPrivateAddress(mapped[1]);
    // The URL parser writes a mapped IPv4 address in hex (`::ffff:7f00:1`): read it back as IPv4.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
    if (hex) {
      const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
      return isPrivateAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
    }
    // IPv4-compatible (::a.b.c.d, deprecated) and 6to4 (2002:AABB:CCDD::) forms carry an IPv4 address inside.
    const compat = /^::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
    const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(:|$)/.exec(ip);
    const embedded = compat ?? sixToFour;
    if (embedded) {
      const n = (parseInt(embedded[1], 16) << 16) | parseInt(embedded[2], 16);
      if (isPrivateAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))) return true;
    }
    return (
      ip === '::1' || ip === '::' || /^f[cd]/.test(ip) || /^fe[89a-f]/.test(ip) || /^ff/.test(ip) ||
      ip.startsWith('64:ff9b:') || ip.startsWith('2001:db8:') || ip.startsWith('100::')
    );
  }
  return false;
}

/** `*.okta.com` matches `acme.okta.com` and `a.b.okta.com`, not `okta.com` nor `evilokta.com`; other patterns match exactly. */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
}

/** Why a URL may not be called under this guard, or undefined when it may. */
export function outboundUrlProblem(url: string, guard: OutboundGuard): string | undefined {
  if (guard.allowPrivate) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== 'https:') return 'must use https';
  if (parsed.username || parsed.password) return 'must not carry credentials in the URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) return 'must not name a loopback or private address';
  const allowed = [...guard.vendorHosts, ...guard.allowedHosts];
  if (!allowed.some((p) => hostMatches(host, p))) {
    return `host ${host} is not a known host of this vendor (${guard.vendorHosts.join(', ') || 'none published'}); an operator can allow it with TRUSTSYNC_ENDPOINT_ALLOWLIST`;
  }
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` that fails when any resolved address is private, so the socket never opens to one. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const refused = list.find((a) => isPrivateAddress(a.address));
    if (refused) {
      const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to the private address ${refused.address}; refused`);
      e.code = 'EPRIVATEADDR';
      return callback(e, '');
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/** HTTP(S) agents whose connections refuse private addresses (one pair per process is enough). */
export const guardedAgents = {
  httpAgent: new HttpAgent({ keepAlive: true, lookup: guardedLookup as never }),
  httpsAgent: new HttpsAgent({ keepAlive: true, lookup: guardedLookup as never }),
};
