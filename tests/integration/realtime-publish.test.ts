import { Redis } from 'ioredis';
import { publishingClient } from '../../src/queues';
import { EventPublisher } from '../../src/services/events';

// Realtime events are fire-and-forget: the Socket.IO emitter never awaits its publish. When Redis is gone (or the
// process is shutting down) the failure must be reported, not become an unhandled rejection that kills the process.
test('a realtime event published on a closed Redis connection is reported, not left as an unhandled rejection', async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  await redis.quit();
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    const reported = new Promise<unknown>((resolve) => {
      const events = new EventPublisher(publishingClient(redis, resolve), 'kt:closed:socket.io');
      events.typing('c1', { from: 'customer', typing: true });
    });
    expect(String(await reported)).toMatch(/Connection is closed/);
    // A rejection left unhandled is reported by Node after the microtask queue drains: let one macrotask pass.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
