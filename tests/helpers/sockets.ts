import type { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';

/** Resolves once the socket is connected; rejects with the server's refusal (e.g. 'unauthorized'). */
export const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });

/** The next `event` on the socket whose payload matches, or a rejection after `ms`. */
export function nextEvent<T>(s: Socket, event: string, match: (p: T) => boolean = () => true, ms = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const on = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      s.off(event, on);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      s.off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    s.on(event, on);
  });
}

/** Deletes a test's queue and realtime keys (its own prefix only). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
}
