import type { Redis } from 'ioredis';
import type { RateDecision, VisitorAction, VisitorSubject } from '../../domain/rate-limit';
import { RateLimiter, type RateRule } from './rate-limiter';

/** One action's budgets: per visitor (widget token) and per client address, per window; 0 turns one off. */
export interface VisitorRate {
  visitor: number;
  ip: number;
  windowMs: number;
}
export type VisitorRates = Record<VisitorAction, VisitorRate>;

/**
 * The address a budget is kept under: IPv4 as it is (an IPv4-mapped IPv6 address as IPv4), IPv6 by its /64, the
 * smallest block one subscriber usually gets, so rotating through the addresses of one's own network buys nothing.
 */
export function addressBucket(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('%')[0]!.toLowerCase().split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Limits what one web chat visitor, and one client address, may ask of the hub (the widget's session endpoint and
 * every `/widget` socket event), in Redis so the budgets hold across hub nodes. The address budget is larger: many
 * visitors can share one address (an office behind NAT), and it caps a single client that keeps minting new
 * anonymous sessions to get fresh visitor budgets.
 */
export function visitorLimits(redis: Redis, prefix: string, rates: VisitorRates, onError?: (err: unknown) => void) {
  const limiter = new RateLimiter(redis, onError);
  const rulesOf = (action: VisitorAction, who: VisitorSubject): RateRule[] => {
    const rate = rates[action];
    const rules = [{ key: `${prefix}:rl:${action}:ip:${addressBucket(who.ip)}`, limit: rate.ip, windowMs: rate.windowMs }];
    if (who.visitorId) rules.push({ key: `${prefix}:rl:${action}:v:${who.visitorId}`, limit: rate.visitor, windowMs: rate.windowMs });
    return rules;
  };
  return {
    check(action: VisitorAction, who: VisitorSubject): Promise<RateDecision> {
      return limiter.take(rulesOf(action, who));
    },
    /** Milliseconds this node already knows `check` would refuse for (0: ask `check`); no Redis call, counts nothing. */
    refusedFor(action: VisitorAction, who: VisitorSubject): number {
      return limiter.refusedFor(rulesOf(action, who));
    },
    stats: limiter.stats,
  };
}
export type VisitorLimits = ReturnType<typeof visitorLimits>;
