import http from 'node:http';
import path from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import helmet from 'helmet';
import { Server } from 'socket.io';
import { channelModules } from '../channels';
import type { AdapterContext } from '../channels/types';
import type { Config } from './config';
import type { HubDeps } from './deps';
import { Namespaces } from './domain/events';
import { emailConfigShape } from './domain/email-config';
import { mountApi } from './http';
import { consoleStatic } from './http/console-static';
import { hostGuard } from './http/host-guard';
import { errorHandler } from './http/errors';
import { healthRouter } from './http/health';
import { createLogger } from './logger';
import { createQueues, enqueueInbound, redisConnection } from './queues';
import { attachAgentNamespace } from './realtime/agents';
import { EventPublisher } from './services/events';
import { visitorHistory, visitorTyping } from './services/conversations/threads';
import type { AdapterRegistry } from './services/delivery/delivery';
import { applyDeliveryReport } from './services/delivery/delivery-status';
import { storeAttachment } from './services/ingest/attachments';
import { routingDeps } from './services/routing/routing';
import { messageIdFor } from './services/ingest/ingest';
import { calendarClock, wireMetrics } from './services/metrics/metrics';
import { wireSearch } from './services/search/search-index';
import { effectiveSettings } from './services/sla/sla-settings';
import { attachRedisState, connectStore, ensureIndexes, gridFsBlobStore, maintainStore, models } from './store';
import { startWorkers, type WorkerSet } from '../workers';

export type Role = 'hub' | 'worker' | 'all';

export interface Hub {
  deps: HubDeps;
  server?: http.Server;
  io?: Server;
  url?: string;
  close(): Promise<void>;
}

const root = path.resolve(__dirname, '..');

/** What channels read from the environment, with the secrets taken from the validated config. */
function channelEnv(config: Config): NodeJS.ProcessEnv {
  const phone = {
    TWILIO_ACCOUNT_SID: config.TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: config.TWILIO_AUTH_TOKEN, TWILIO_API_BASE: config.TWILIO_API_BASE,
    TWILIO_FROM_NUMBER: config.TWILIO_FROM_NUMBER, TWILIO_MESSAGING_SERVICE_SID: config.TWILIO_MESSAGING_SERVICE_SID,
    TWILIO_WHATSAPP_FROM: config.TWILIO_WHATSAPP_FROM, PHONE_DEFAULT_REGION: config.PHONE_DEFAULT_REGION,
    WHATSAPP_ROUTE: config.WHATSAPP_ROUTE, WWEBJS_GROUPS: config.WWEBJS_GROUPS, PUBLIC_URL: config.PUBLIC_URL,
    WWEBJS_CONTROL_URL: config.WWEBJS_CONTROL_URL, WWEBJS_CONTROL_TOKEN: config.WWEBJS_CONTROL_TOKEN,
  };
  const email = Object.fromEntries(Object.keys(emailConfigShape).flatMap((k) => { const v = config[k as keyof Config]; return v === undefined ? [] : [[k, String(v)]]; }));
  return { ...process.env, ...email, WIDGET_TOKEN_SECRET: config.WIDGET_TOKEN_SECRET, WIDGET_IDENTITY_SECRET: config.WIDGET_IDENTITY_SECRET, ...phone };
}

export function buildAdapters(deps: Pick<HubDeps, 'events' | 'logger' | 'config' | 'blobs' | 'models'>): AdapterRegistry {
  const ctx: AdapterContext = {
    visitors: { toVisitor: (id, event, payload) => deps.events.toVisitor(id, event as never, payload) },
    openAttachment: (key) => deps.blobs.open(key),
    reportDelivery: (report) => applyDeliveryReport(deps.models, deps.events, report),
    logger: deps.logger,
    env: channelEnv(deps.config),
  };
  const registry: AdapterRegistry = {};
  for (const [channel, mod] of Object.entries(channelModules)) registry[channel as keyof AdapterRegistry] = mod!.createAdapter(ctx);
  return registry;
}

/** Starts one process of the hub: HTTP + Socket.IO + ingress ('hub'), BullMQ workers ('worker'), or both. */
export async function startHub(config: Config, role: Role = 'all'): Promise<Hub> {
  const logger = createLogger(config.LOG_LEVEL);
  const db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
  const redis = redisConnection(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX, {
    attempts: config.OUTBOUND_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.OUTBOUND_BACKOFF_MS },
  });
  const events = new EventPublisher(redis, `${config.QUEUE_PREFIX}:socket.io`);
  const deps: HubDeps = { config, logger, db, models: models(db), redis, queues, events, blobs: gridFsBlobStore(db) };
  const closers: Array<() => Promise<void>> = [];
  // Inbox pages and counts come from the inbox index in Redis and thread pages from the thread cache, both kept in
  // step by the repositories' writes; the index is built from the store when this Redis has none (one process
  // builds it; docs/architecture.md, "The store layer").
  const detachRedisState = attachRedisState(db, redis, config.QUEUE_PREFIX);
  const stopMaintenance = maintainStore(db, (err) => logger.warn({ err }, 'store statistics refresh failed'));
  const indexed = await deps.models.conversations.ensureIndexed();
  if (indexed !== false) logger.info({ conversations: indexed }, 'inbox index built from the store');
  // Business time in metrics: the team's calendar (or the default one) from the SLA settings.
  // Search: the term directory (counts per term and month) lives in Redis (src/services/search/search-index.ts).
  wireSearch(deps.models, { redis, prefix: config.QUEUE_PREFIX });
  wireMetrics(deps.models, { redis, prefix: config.QUEUE_PREFIX, clock: calendarClock(async (teamId) => (await effectiveSettings(deps.models, teamId)).calendar) });

  let workers: WorkerSet | undefined;
  if (role !== 'hub') {
    workers = startWorkers({
      connection: redis, prefix: config.QUEUE_PREFIX, models: deps.models, events,
      adapters: buildAdapters(deps), concurrency: config.WORKER_CONCURRENCY, lockMs: config.WORKER_LOCK_MS, logger,
      routing: routingDeps(deps),
      queues,
    });
    closers.push(() => workers!.close());
  }

  let server: http.Server | undefined;
  let io: Server | undefined;
  let url: string | undefined;
  if (role !== 'worker') {
    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', trustProxy(config.TRUST_PROXY));
    app.use(hostGuard);
    app.use(helmet({ contentSecurityPolicy: false }));
    app.use(healthRouter(deps));
    server = http.createServer(app);
    const pub = redis.duplicate();
    const sub = redis.duplicate();
    io = new Server(server, { adapter: createAdapter(pub, sub, { key: `${config.QUEUE_PREFIX}:socket.io` }), serveClient: false });
    mountApi(app, deps);
    attachAgentNamespace(io.of(Namespaces.agents), deps);
    const channelRouter = express.Router();
    for (const mod of Object.values(channelModules)) {
      const handle = await mod!.mountIngress?.({
        router: channelRouter,
        widgetNamespace: io.of(Namespaces.widget),
        enqueueInbound: (message) => enqueueInbound(queues, message),
        visitorHistory: (visitorId, opts) => visitorHistory(deps.models, visitorId, opts),
        visitorTyping: (visitorId, typing) => visitorTyping(deps.models, events, visitorId, typing),
        storeAttachment: (input) => storeAttachment(deps.blobs, input, config.ATTACHMENT_MAX_BYTES),
        reportDelivery: (report) => applyDeliveryReport(deps.models, events, report),
        quarantine: (record) => deps.models.quarantine.add(record),
        inboundExists: (dedupeKey) => deps.models.messages.exists(messageIdFor(dedupeKey)),
        openAttachment: (key) => deps.blobs.open(key),
        logger,
        env: channelEnv(config),
      });
      if (handle) closers.unshift(() => handle.close()); // listeners and pollers stop before the store closes
    }
    app.use(channelRouter);
    app.use(express.static(path.join(root, 'public'), { index: false, maxAge: '1h' }));
    app.use(consoleStatic(path.join(root, 'agent-ui', 'dist')));
    app.use((_req, res) => res.status(404).json({ error: 'not found' }));
    app.use(errorHandler(logger)); // channel routes too answer errors as JSON, never an HTML stack page
    await new Promise<void>((resolve) => server!.listen(config.PORT, config.HOST, resolve));
    const addr = server.address();
    url = typeof addr === 'object' && addr ? `http://${config.HOST}:${addr.port}` : undefined;
    closers.unshift(async () => {
      // Stop taking new connections first, then let in-flight work finish.
      await new Promise<void>((resolve) => { io!.close(() => resolve()); });
      await Promise.all([pub.quit().catch(() => {}), sub.quit().catch(() => {})]);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    });
  }

  return {
    deps, server, io, url,
    // Every step runs even if an earlier one fails (e.g. the store is already gone), so nothing is left open.
    async close() {
      const steps = [...closers, async () => detachRedisState(), async () => stopMaintenance(), () => queues.close(), () => redis.quit(), () => db.close()];
      for (const step of steps) await step().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
    },
  };
}

/** Express's 'trust proxy' from TRUST_PROXY: a hop count, true/false, or addresses and subnets; unset trusts none. */
function trustProxy(value: string | undefined): boolean | number | string {
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}
