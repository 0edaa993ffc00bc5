import type { Redis } from 'ioredis';
import type { AutomationEvent } from '../../domain/automation';

const FORGET_TEXT = `
local changed = 0
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  local ok, event = pcall(cjson.decode, raw)
  if ok and type(event) == 'table' and event.customerId == ARGV[1] and event.text ~= nil then
    event.text = nil
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(event))
    changed = changed + 1
  end
end
return changed`;

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

  /**
   * A customer's erasure (src/services/privacy/erase.ts): the events of that customer keep their facts but lose the
   * message text. In one script, so events pushed meanwhile neither shift nor escape it.
   */
  async forgetText(customerId: string): Promise<number> {
    return Number(await this.redis.eval(FORGET_TEXT, 1, this.key, customerId));
  }

  /** The newest `limit` events, newest first. */
  async list(limit: number): Promise<AutomationEvent[]> {
    const raw = await this.redis.lrange(this.key, 0, Math.min(limit, RECENT_EVENTS_MAX) - 1);
    return raw.map((r) => JSON.parse(r) as AutomationEvent);
  }
}
