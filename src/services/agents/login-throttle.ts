import type { Redis } from 'ioredis';

/**
 * Failed sign-ins counted in Redis (shared by every hub node), with backoff instead of a lockout: guessing one
 * account from one address slows down exponentially (the first FREE_FAILURES are free, then 1 s, 2 s, 4 s ... up to
 * MAX_BACKOFF_S before the next try), while the owner signing in from another address is never held back. One
 * address is also capped across all accounts (IP_LIMIT failures per window, for spraying one password over many
 * accounts). The address is the one Express resolves under TRUST_PROXY: a rotated X-Forwarded-For counts only
 * behind a proxy the admin declared. A success clears the (account, address) counter.
 */
const FREE_FAILURES = 4;
const MAX_BACKOFF_S = 900;
const IP_LIMIT = 50;
const WINDOW_S = 900;

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(email: string, ip: string) {
    return { pair: `${this.prefix}:login-fail:pair:${email.toLowerCase()}|${ip}`, ip: `${this.prefix}:login-fail:ip:${ip}` };
  }

  /** Seconds until this address may try this account again, or 0. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const keys = this.keys(email, ip);
    const [pair, byIp] = await this.redis.mget(keys.pair, keys.ip);
    if (Number(byIp ?? 0) >= IP_LIMIT) return Math.max(1, await this.redis.ttl(keys.ip));
    const [failures, last] = (pair ?? '0:0').split(':').map(Number) as [number, number];
    if (failures < FREE_FAILURES) return 0;
    const backoff = Math.min(MAX_BACKOFF_S, 2 ** (failures - FREE_FAILURES));
    return Math.max(0, Math.ceil(last / 1000 + backoff - Date.now() / 1000));
  }

  async failed(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    // `<failures>:<time of the last one>`, kept for the window after the last failure.
    await this.redis.eval(
      "local n = tonumber(string.match(redis.call('GET', KEYS[1]) or '0', '^(%d+)')) + 1; redis.call('SET', KEYS[1], n .. ':' .. ARGV[1], 'EX', ARGV[2]); return n",
      1, keys.pair, Date.now(), WINDOW_S,
    );
    await this.redis.multi().incr(keys.ip).expire(keys.ip, WINDOW_S, 'NX').exec();
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip).pair);
  }
}
