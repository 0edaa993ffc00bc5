import type { IncomingMessage } from 'node:http';
import { addressBucket } from '../services/rate-limit/visitor-limits';
import { cookieFromHeader, SESSION_COOKIE } from '../http/session';

/** Widget connects refused for their rate limits, per address and window, before the address is refused earlier. */
export const REFUSALS_BEFORE_EARLY = 20;
const WINDOW_MS = 60_000;
/** Addresses remembered at most (a flood of distinct addresses cannot grow memory). */
const MAX_ADDRESSES = 10_000;

/**
 * Refuses a Socket.IO request at the HTTP request, before the WebSocket handshake and the token's HMAC, for an
 * address that keeps reconnecting after its widget connects were refused (`/widget` namespace, rate limits): each
 * such reconnect otherwise costs this node both before the namespace refuses it again. An address is refused early
 * only after many refusals in a minute (an office behind one address never gets there by reloading pages) and only
 * until the wait it was last told; the limits themselves stay with the namespace. The namespace is not known this
 * early, so a request with an agent's session cookie is always let through to the `/agents` namespace's checks.
 * Per node and in memory: it saves work, it decides nothing the shared limits would not.
 */
export class HandshakeGuard {
  private readonly addresses = new Map<string, { since: number; refusals: number; until: number }>();

  constructor(private readonly clientAddress: (req: IncomingMessage) => string) {}

  /** The namespace refused a widget connect from `ip` for `retryAfterMs`. */
  noteRefused(ip: string, retryAfterMs: number, now = Date.now()): void {
    const key = addressBucket(ip);
    if (this.addresses.size >= MAX_ADDRESSES && !this.addresses.has(key)) this.forgetExpired(now);
    const entry = this.addresses.get(key);
    const current = entry && now - entry.since < WINDOW_MS ? entry : { since: now, refusals: 0, until: 0 };
    current.refusals++;
    if (current.refusals >= REFUSALS_BEFORE_EARLY) current.until = now + retryAfterMs;
    if (this.addresses.size < MAX_ADDRESSES || this.addresses.has(key)) this.addresses.set(key, current);
  }

  /** How long this request's address is still refused here (ms); 0: let the namespace decide. */
  refusedFor(req: IncomingMessage, now = Date.now()): number {
    if (!this.addresses.size || cookieFromHeader(req.headers.cookie, SESSION_COOKIE)) return 0;
    return Math.max(0, (this.addresses.get(addressBucket(this.clientAddress(req)))?.until ?? 0) - now);
  }

  private forgetExpired(now: number): void {
    for (const [key, e] of this.addresses) if (e.until <= now && now - e.since >= WINDOW_MS) this.addresses.delete(key);
  }
}
