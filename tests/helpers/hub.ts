import type { Config } from '../../src/config';
import { startHub, type Hub, type Role } from '../../src/hub';
import { deleteKeys } from './sockets';

/** Starts a real hub (store, Redis, workers, HTTP) for a test and drops its database and queues on close. */
export async function startTestHub(config: Config, role: Role = 'all'): Promise<Hub & { stop(): Promise<void> }> {
  const hub = await startHub(config, role);
  return {
    ...hub,
    async stop() {
      await hub.deps.db.dropDatabase().catch(() => {});
      await deleteKeys(hub.deps.redis, config.QUEUE_PREFIX).catch(() => {});
      await hub.close();
    },
  };
}
