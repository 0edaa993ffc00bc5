import type { Redis } from 'ioredis';

/** One delivery (an event to one webhook) and its latest attempt, as the console's delivery log shows it. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  event: string;
  /** The exact body sent (and re-sent on retry and redelivery). */
  body: string;
  status: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  /** The last attempt's HTTP status (0: no answer), first 2 KB of its answer, and duration. */
  responseStatus?: number;
  response?: string;
  ms?: number;
  createdAt: string;
  lastAttemptAt?: string;
}

const KEEP_PER_WEBHOOK = 200;
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * The delivery log in Redis, not the store: the last 200 deliveries per webhook for 7 days (a list of ids and one
 * key per delivery), so a busy webhook costs neither a growing collection nor a sorted store read.
 */
export class DeliveryLog {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private listKey = (webhookId: string) => `${this.prefix}:webhook:${webhookId}:log`;
  private recordKey = (id: string) => `${this.prefix}:webhook-delivery:${id}`;
  private failuresKey = (webhookId: string) => `${this.prefix}:webhook:${webhookId}:failures`;

  async add(record: DeliveryRecord): Promise<void> {
    await this.redis.multi()
      .set(this.recordKey(record.id), JSON.stringify(record), 'EX', KEEP_SECONDS)
      .lpush(this.listKey(record.webhookId), record.id)
      .ltrim(this.listKey(record.webhookId), 0, KEEP_PER_WEBHOOK - 1)
      .expire(this.listKey(record.webhookId), KEEP_SECONDS)
      .exec();
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const raw = await this.redis.get(this.recordKey(id));
    return raw ? (JSON.parse(raw) as DeliveryRecord) : null;
  }

  async update(record: DeliveryRecord): Promise<void> {
    await this.redis.set(this.recordKey(record.id), JSON.stringify(record), 'EX', KEEP_SECONDS);
  }

  /** Newest first. */
  async list(webhookId: string, limit = 50): Promise<DeliveryRecord[]> {
    const ids = await this.redis.lrange(this.listKey(webhookId), 0, Math.min(limit, KEEP_PER_WEBHOOK) - 1);
    if (!ids.length) return [];
    const raws = await this.redis.mget(ids.map(this.recordKey));
    return raws.flatMap((r) => (r ? [JSON.parse(r) as DeliveryRecord] : []));
  }

  /**
   * Rewrites the logged deliveries of a webhook that `change` changes (returns null for the others), each keeping its
   * expiry. Bounded: at most KEEP_PER_WEBHOOK records. Returns how many changed.
   */
  async rewrite(webhookId: string, change: (record: DeliveryRecord) => DeliveryRecord | null): Promise<number> {
    const ids = await this.redis.lrange(this.listKey(webhookId), 0, KEEP_PER_WEBHOOK - 1);
    if (!ids.length) return 0;
    const raws = await this.redis.mget(ids.map(this.recordKey));
    let changed = 0;
    for (const raw of raws) {
      const next = raw ? change(JSON.parse(raw) as DeliveryRecord) : null;
      if (!next) continue;
      await this.redis.set(this.recordKey(next.id), JSON.stringify(next), 'KEEPTTL');
      changed++;
    }
    return changed;
  }

  /** Deliveries in a row that failed for good; a success resets it. */
  async failedInARow(webhookId: string): Promise<number> {
    const n = await this.redis.incr(this.failuresKey(webhookId));
    await this.redis.expire(this.failuresKey(webhookId), KEEP_SECONDS);
    return n;
  }

  async succeeded(webhookId: string): Promise<void> {
    await this.redis.del(this.failuresKey(webhookId));
  }
}
