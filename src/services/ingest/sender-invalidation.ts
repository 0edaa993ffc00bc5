import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SenderCache } from './sender-cache';

// A customer merge moves identities to another customer; every inbound worker's SenderCache (address -> customer)
// is then stale. The merge publishes on a Redis channel; each worker clears its cache at once and again a moment
// later, so a batch that was already in flight (and re-remembered the old customer) is forgotten too.
export const senderInvalidationChannel = (prefix: string) => `${prefix}:senders:invalidate`;
const SECOND_CLEAR_MS = 2000;

export const publishSenderInvalidation = (redis: Redis, prefix: string) => async () => {
  await redis.publish(senderInvalidationChannel(prefix), String(Date.now()));
};

export function listenForSenderInvalidation(redis: Redis, prefix: string, cache: SenderCache, logger: Logger): () => Promise<void> {
  const sub = redis.duplicate();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  sub.subscribe(senderInvalidationChannel(prefix)).catch((err: unknown) => logger.error({ err }, 'sender cache invalidation: subscribe failed'));
  sub.on('message', () => {
    cache.clear();
    const t = setTimeout(() => {
      timers.delete(t);
      cache.clear();
    }, SECOND_CLEAR_MS);
    timers.add(t);
  });
  return async () => {
    for (const t of timers) clearTimeout(t);
    await sub.quit().catch(() => {}); // best effort at shutdown: a connection already gone needs no closing
  };
}
