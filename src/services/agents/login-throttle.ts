import type { Redis } from 'ioredis';

/**
 * Failed sign-ins counted in Redis (shared by every hub node) per email and per client IP, in a fixed window.
 * Past the limit, sign-in is refused for the rest of the window, even with the right password, so guessing
 * is slow; a success clears the email's counter.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit = 10,
    private readonly windowSec = 900,
  ) {}

  private keys(email: string, ip: string) {
    return [`${this.prefix}:login-fail:email:${email.toLowerCase()}`, `${this.prefix}:login-fail:ip:${ip}`];
  }

  /** Seconds until sign-in is allowed again, or 0. The IP limit is wider: an office shares one address. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const [emailKey, ipKey] = this.keys(email, ip);
    const [byEmail, byIp] = await this.redis.mget(emailKey!, ipKey!);
    const blocked = Number(byEmail ?? 0) >= this.limit ? emailKey : Number(byIp ?? 0) >= this.limit * 5 ? ipKey : null;
    if (!blocked) return 0;
    return Math.max(1, await this.redis.ttl(blocked));
  }

  async failed(email: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of this.keys(email, ip)) multi.incr(key).expire(key, this.windowSec, 'NX');
    await multi.exec();
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip)[0]!);
  }
}
