import type { Redis } from 'ioredis';
import type { AutomationEvent } from '../../domain/automation';

/** How many events the dry run can look back on. */
export const RECENT_EVENTS_MAX = 500;

/**
 * The last RECENT_EVENTS_MAX automation events, newest first, in one capped Redis list: what a dry run evaluates a
 * rule against. One pipelined LPUSH + LTRIM per event; lost with Redis, which only shortens what a dry run sees.
 */
export class RecentEvents {
  private readonly key: string;
  constructor(private readonly redis: Redis, prefix: string) {
    this.key = `${prefix}:automation:recent`;
  }

  async add(event: AutomationEvent): Promise<void> {
    await this.redis.multi().lpush(this.key, JSON.stringify(event)).ltrim(this.key, 0, RECENT_EVENTS_MAX - 1).exec();
  }

  /** The newest `limit` events, newest first. */
  async list(limit: number): Promise<AutomationEvent[]> {
    const raw = await this.redis.lrange(this.key, 0, Math.min(limit, RECENT_EVENTS_MAX) - 1);
    return raw.map((r) => JSON.parse(r) as AutomationEvent);
  }
}
