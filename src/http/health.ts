import { Router } from 'express';
import type { HubDeps } from '../deps';
import { liveWorkers, type WorkerHeartbeat } from '../services/health/worker-heartbeats';
import { tokenOf } from './auth';
import { sessionForToken } from './session';

/**
 * GET /healthz: 503 (naming what failed) when Redis or the store does not answer: intake cannot work. Otherwise 200,
 * `status: 'ok'` while at least one worker's heartbeat is fresh, `'degraded'` when none is (messages are taken and
 * queued, but nothing stores or sends them). `workers` lists the live ones: role, queues and the age of the last
 * beat for anyone (load balancers); their host and pid only for a signed-in admin (Bearer).
 */
export function healthRouter(deps: Pick<HubDeps, 'redis' | 'db' | 'config' | 'models'>): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    const timeout = <T>(p: Promise<T>) => {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error('timeout')), 1500); });
      return Promise.race([p, expired]).finally(() => clearTimeout(timer));
    };
    const [redis, store, workers, asker] = await Promise.allSettled([
      timeout(deps.redis.ping()),
      timeout(deps.db.db!.admin().ping()),
      timeout(liveWorkers(deps.redis, deps.config.QUEUE_PREFIX)),
      sessionForToken(deps, tokenOf(req)),
    ]);
    const live = workers.status === 'fulfilled' ? workers.value : [];
    const checks = {
      redis: redis.status === 'fulfilled' ? 'ok' : `down: ${(redis.reason as Error).message}`,
      store: store.status === 'fulfilled' ? 'ok' : `down: ${(store.reason as Error).message}`,
      workers: live.length ? 'ok' : workers.status === 'fulfilled' ? 'no fresh heartbeat' : `unknown: ${(workers.reason as Error).message}`,
    };
    const intakeWorks = checks.redis === 'ok' && checks.store === 'ok';
    const admin = asker.status === 'fulfilled' && asker.value?.agent.role === 'admin';
    res.status(intakeWorks ? 200 : 503).json({
      status: !intakeWorks ? 'unavailable' : live.length ? 'ok' : 'degraded',
      checks,
      workers: live.map((w) => describe(w, admin)),
    });
  });
  return router;
}

function describe(w: WorkerHeartbeat, admin: boolean) {
  const seen = { role: w.role, queues: w.queues, lastBeatMsAgo: Math.max(0, Date.now() - Date.parse(w.at)) };
  return admin ? { ...seen, id: w.id, host: w.host, pid: w.pid, startedAt: w.startedAt } : seen;
}
