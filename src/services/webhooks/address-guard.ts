import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { KanalError } from '../../domain/errors';

/**
 * Addresses a webhook may not reach unless an admin allowed it (SSRF guard): loopback, private networks, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, "this network", multicast and reserved ranges, in IPv4 and
 * IPv6 (IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry).
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) blocked.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: never connect to it
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A webhook URL that may not be used (not http(s), credentials in it, or a private address). */
export class UnsafeUrlError extends KanalError {
  /** `privateHost`: the address was refused for being private (the console says so in the admin's language). */
  constructor(message: string, privateHost?: string) {
    super('invalid_input', message, privateHost ? { details: { reason: 'private_address', host: privateHost } } : {});
  }
}

/** A URL a webhook may be registered with: http(s), no credentials, and (unless allowed) a host that is not private. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrlError('the URL must be http or https');
  if (url.username || url.password) throw new UnsafeUrlError('the URL must not carry credentials');
  if (!allowPrivate) {
    const addresses = await resolve(hostOf(url));
    if (!addresses.length) throw new UnsafeUrlError(`${url.hostname} does not resolve`);
    const bad = addresses.find(isPrivateAddress);
    if (bad) throw new UnsafeUrlError(`${url.hostname} resolves to a private or loopback address (${bad}); an admin can allow private addresses for this webhook`, url.hostname);
  }
  return url;
}

/** The host as DNS and `isIP` want it (IPv6 literals without brackets). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

function resolve(host: string): Promise<string[]> {
  if (isIP(host)) return Promise.resolve([host]);
  return new Promise((done) => dnsLookup(host, { all: true }, (err, list: LookupAddress[]) => done(err ? [] : list.map((a) => a.address))));
}

/**
 * A `lookup` for http(s).request that refuses private addresses at connect time, so a name that resolved to a public
 * address when it was registered cannot be re-pointed at an internal one later (DNS rebinding).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, list: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private address (${bad.address})`), { code: 'EPRIVATE' }), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, l: LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};
