import { loadConfigOrExit } from './config';
import { startHub, type Role } from './hub';
import { ensureDefaultTeam } from './services/routing/default-team';

const role = (process.argv[2] ?? 'all') as Role;
if (!['hub', 'worker', 'all'].includes(role)) {
  console.error(`usage: main.ts [hub|worker|all] (got "${role}")`);
  process.exit(2);
}

async function main() {
  const config = loadConfigOrExit();
  const hub = await startHub(config, role);
  const log = hub.deps.logger;
  // A default team named in the environment exists from the first start, with a policy that assigns: otherwise
  // conversations would be routed to a team that is not there and wait unrouted.
  if (config.ROUTING_DEFAULT_TEAM) await ensureDefaultTeam(hub.deps.models, config.ROUTING_DEFAULT_TEAM);
  log.info({ role, url: hub.url }, hub.url ? `Kanal ${role} listening on ${hub.url}` : `Kanal ${role} started`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight jobs');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await hub.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
