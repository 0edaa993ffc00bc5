import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** What a worker process says about itself, every few seconds, in its heartbeat key. */
export interface WorkerHeartbeat {
  id: string;
  role: string;
  pid: number;
  host: string;
  queues: string[];
  startedAt: string;
  /** When this beat was written (ISO). */
  at: string;
}

/** A beat lives three intervals: one or two missed beats (a long GC, a slow Redis) do not make a worker dead. */
const TTL_INTERVALS = 3;

const keyOf = (prefix: string, id: string) => `${prefix}:worker:${id}`;
const indexOf = (prefix: string) => `${prefix}:workers`;

/**
 * Writes this process' heartbeat (`<prefix>:worker:<host>:<pid>:<random>`, a TTL of three intervals) at once and
 * every `everyMs`, and lists it in `<prefix>:workers`, so /healthz can tell whether any worker is alive. A worker
 * that hangs, loses Redis or dies stops beating and its key expires; a graceful stop deletes it at once.
 */
export function startHeartbeat(redis: Redis, prefix: string, self: { role: string; queues: string[] }, everyMs: number, logger: Logger): { id: string; stop(): Promise<void> } {
  const host = os.hostname();
  const id = `${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const startedAt = new Date().toISOString();
  const beat = async () => {
    const value: WorkerHeartbeat = { id, role: self.role, pid: process.pid, host, queues: self.queues, startedAt, at: new Date().toISOString() };
    await redis.multi().set(keyOf(prefix, id), JSON.stringify(value), 'PX', everyMs * TTL_INTERVALS).sadd(indexOf(prefix), id).exec();
  };
  const safeBeat = () => beat().catch((err: unknown) => logger.warn({ err }, 'worker heartbeat not written'));
  void safeBeat();
  const timer = setInterval(() => void safeBeat(), everyMs);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      await redis.multi().del(keyOf(prefix, id)).srem(indexOf(prefix), id).exec();
    },
  };
}

/** The workers whose heartbeat has not expired; ids whose key is gone are dropped from the list on the way. */
export async function liveWorkers(redis: Redis, prefix: string): Promise<WorkerHeartbeat[]> {
  const ids = await redis.smembers(indexOf(prefix));
  if (!ids.length) return [];
  const values = await redis.mget(ids.map((id) => keyOf(prefix, id)));
  const gone = ids.filter((_, i) => values[i] === null);
  if (gone.length) await redis.srem(indexOf(prefix), ...gone);
  return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as WorkerHeartbeat]));
}
