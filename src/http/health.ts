import { Router } from 'express';
import type { HubDeps } from '../deps';

/** GET /healthz: 200 when Redis and the store both answer, 503 (with which one failed) otherwise. */
export function healthRouter(deps: Pick<HubDeps, 'redis' | 'db'>): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const timeout = <T>(p: Promise<T>) => {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error('timeout')), 1500); });
      return Promise.race([p, expired]).finally(() => clearTimeout(timer));
    };
    const [redis, store] = await Promise.allSettled([
      timeout(deps.redis.ping()),
      timeout(deps.db.db!.admin().ping()),
    ]);
    const checks = {
      redis: redis.status === 'fulfilled' ? 'ok' : `down: ${(redis.reason as Error).message}`,
      store: store.status === 'fulfilled' ? 'ok' : `down: ${(store.reason as Error).message}`,
    };
    const ok = checks.redis === 'ok' && checks.store === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  return router;
}
