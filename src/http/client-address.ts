import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';

type Trust = (addr: string, hop: number) => boolean;

/**
 * The client address of a request that did not pass through Express (a Socket.IO handshake), resolved exactly as
 * Express resolves `req.ip`: with the app's compiled TRUST_PROXY function, walking X-Forwarded-For from the socket
 * outwards while each hop is a trusted proxy. Unset TRUST_PROXY trusts none: a forged header changes nothing.
 */
export function clientAddressOf(app: Express): (req: IncomingMessage) => string {
  return (req) => {
    const trust = app.get('trust proxy fn') as Trust | undefined;
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((a) => a.trim()).filter(Boolean).reverse();
    const addrs = [req.socket?.remoteAddress ?? 'unknown', ...forwarded];
    let i = 0;
    while (i < addrs.length - 1 && trust?.(addrs[i]!, i)) i++;
    return addrs[i]!;
  };
}
