import http from 'node:http';
import path from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { Server } from 'socket.io';
import { channelModules } from '../channels';
import type { AdapterContext, IngressHandle } from '../channels/types';
import type { Config } from './config';
import type { HubDeps } from './deps';
import { Namespaces } from './domain/events';
import { mountApi } from './http';
import { csatPageRouter } from './http/csat-page';
import { csatWiringFrom, wireCsat } from './services/csat/csat-wiring';
import { consoleStatic } from './http/console-static';
import { hostGuard } from './http/host-guard';
import { clientAddressOf } from './http/client-address';
import { errorBody, errorHandler, HTTP_STATUS } from './http/errors';
import { healthRouter } from './http/health';
import { createLogger } from './logger';
import { createQueues, publishingClient, redisConnection } from './queues';
import { webhookDepsOf } from './services/webhooks/webhooks';
import { webhookObserver } from './services/webhooks/webhook-observer';
import { automationDepsOf, automationObserver } from './services/automation';
import { conversationEffects } from './services/conversations/lifecycle';
import { attachAgentNamespace } from './realtime/agents';
import { HandshakeGuard } from './realtime/handshake-guard';
import { backfillAttachmentKeysOnce } from './services/access/attachment-keys';
import { demotePrechatEmailsOnce } from './services/identity/claims-migration';
import { EventPublisher } from './services/events';
import { visitorHistory, visitorTyping } from './services/conversations/threads';
import { applyWidgetAttributes } from './services/crm/attributes';
import type { AdapterRegistry } from './services/delivery/delivery';
import { applyDeliveryReport } from './services/delivery/delivery-status';
import { discardAttachments, storeAttachment } from './services/ingest/attachments';
import { acceptInbound } from './services/ingest/inbound-intake';
import { routingDeps } from './services/routing/routing';
import { messageIdFor } from './services/ingest/ingest';
import { calendarClock, wireMetrics } from './services/metrics/metrics';
import { wireSearch } from './services/search/search-index';
import { effectiveSettings } from './services/sla/sla-settings';
import { visitorLimits } from './services/rate-limit/visitor-limits';
import { RefusalHold } from './services/rate-limit/refusal-hold';
import { leaveVisitorEmail } from './services/visitor/visitor-contact';
import { applyVisitorReceipts } from './services/visitor/visitor-receipts';
import { visitorState } from './services/visitor/visitor-state';
import { keepSegmentStamps } from './services/crm/segment-stamps';
import { segmentIdsOf } from './services/crm/segments';
import { ensureHealthBuilt } from './services/crm/health-rebuild';
import { FairWebSocketServer } from './realtime/fair-ws';
import { attachRedisState, connectStore, ensureIndexes, gridFsBlobStore, maintainStore, models } from './store';
import { startWorkers, type WorkerSet } from '../workers';

export type Role = 'hub' | 'worker' | 'all';

/** How long the hub keeps an idle HTTP connection open (above common proxies' 60 s idle timeout). */
const KEEP_ALIVE_MS = 65_000;

export interface Hub {
  deps: HubDeps;
  server?: http.Server;
  /** The Express app (tests read its route table). */
  app?: Express;
  io?: Server;
  url?: string;
  close(): Promise<void>;
}

const root = path.resolve(__dirname, '..');

/** What channels read from the environment: each channel's own validated settings (ChannelModule.config), as strings. */
function channelEnv(config: Config): NodeJS.ProcessEnv {
  const keys = channelModules.flatMap((m) => Object.keys(m.config ?? {}));
  const own = Object.fromEntries(keys.flatMap((k) => { const v = config[k as keyof Config]; return v === undefined ? [] : [[k, String(v)]]; }));
  return { ...process.env, ...own, PUBLIC_URL: config.PUBLIC_URL };
}

export function buildAdapters(deps: Pick<HubDeps, 'events' | 'logger' | 'config' | 'blobs' | 'models'>): AdapterRegistry {
  const ctx: AdapterContext = {
    visitors: { toVisitor: (id, event, payload) => deps.events.toVisitor(id, event as never, payload) },
    openAttachment: (key) => deps.blobs.open(key),
    reportDelivery: (report) => applyDeliveryReport(deps.models, deps.events, report),
    logger: deps.logger,
    env: channelEnv(deps.config),
  };
  return Object.fromEntries(channelModules.map((mod) => [mod.name, mod.createAdapter(ctx)]));
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
  const unpublished = (err: unknown) => logger.warn({ err }, 'realtime event not published');
  const events = new EventPublisher(publishingClient(redis, unpublished), `${config.QUEUE_PREFIX}:socket.io`);
  const deps: HubDeps = { config, logger, db, models: models(db), redis, queues, events, blobs: gridFsBlobStore(db) };
  // Outgoing webhooks follow what is published (src/services/webhooks/webhook-observer.ts).
  events.observe(webhookObserver(webhookDepsOf(deps)));
  // Automation rules too: events queued for the worker, never run in the publisher's path (docs/automation.md).
  events.observe(automationObserver(automationDepsOf(deps)));
  const closers: Array<() => Promise<void>> = [];
  // Inbox pages and counts come from the inbox index in Redis and thread pages from the thread cache, both kept in
  // step by the repositories' writes; the index is built from the store when this Redis has none (one process
  // builds it; docs/architecture.md, "The store layer").
  const detachRedisState = attachRedisState(db, redis, config.QUEUE_PREFIX);
  // A customer's unresolved conversation follows them into and out of segment views (src/services/crm/segment-stamps.ts).
  const stopSegmentStamps = keepSegmentStamps(db, deps.models, events, logger);
  const stopMaintenance = maintainStore(db, (err) => logger.warn({ err }, 'store statistics refresh failed'));
  const indexed = await deps.models.conversations.ensureIndexed();
  if (indexed !== false) logger.info({ conversations: indexed }, 'inbox index built from the store');
  // The customer directory (filters and sorts of the Customers page) lives in Redis the same way.
  const directory = await deps.models.directory.ensureBuilt();
  if (directory !== false) logger.info({ customers: directory }, 'customer directory built from the store');
  // Business time in metrics: the team's calendar (or the default one) from the SLA settings.
  // Search: the term directory (counts per term and month) lives in Redis (src/services/search/search-index.ts).
  wireSearch(deps.models, { redis, prefix: config.QUEUE_PREFIX });
  // Survey links: signed with CSAT_LINK_SECRET, pointing at PUBLIC_URL (or this hub once it listens, below).
  wireCsat(deps.models, csatWiringFrom(config));
  // Facts reports split by segment carry the customer's segments at that moment (docs/segments.md, "Reports").
  wireMetrics(deps.models, {
    redis, prefix: config.QUEUE_PREFIX, clock: calendarClock(async (teamId) => (await effectiveSettings(deps.models, teamId)).calendar),
    segmentsOf: (customerId) => segmentIdsOf(deps.models, customerId),
  });

  let workers: WorkerSet | undefined;
  if (role !== 'hub') {
    // In the background: a pass over older messages, once per store (src/services/access/attachment-keys.ts).
    void backfillAttachmentKeysOnce(deps.models, logger).catch((err: unknown) => logger.warn({ err }, 'attachment key backfill failed'));
    // Pre-chat emails linked as identities before claims existed become claims, once per store (claims-migration.ts).
    void demotePrechatEmailsOnce(deps.models, logger).catch((err: unknown) => logger.warn({ err }, 'pre-chat email migration failed'));
    workers = startWorkers({
      connection: redis, prefix: config.QUEUE_PREFIX, models: deps.models, events,
      adapters: buildAdapters(deps), concurrency: config.WORKER_CONCURRENCY, lockMs: config.WORKER_LOCK_MS, logger,
      role, heartbeatMs: config.WORKER_HEARTBEAT_MS,
      routing: routingDeps(deps),
      queues,
      blobs: deps.blobs,
      webhooks: webhookDepsOf(deps),
      automation: { ...automationDepsOf(deps), fx: conversationEffects(deps), webhooks: webhookDepsOf(deps), settings: config },
    });
    closers.push(() => workers!.close());
    // Customer health missing or stale (an upgrade, a Redis that lost it): rebuilt from the stored facts in the
    // background, resumable and one process at a time (src/services/crm/health-rebuild.ts); start-up does not wait.
    const stopRebuild = new AbortController();
    const rebuilding = ensureHealthBuilt(deps.models, redis, config.QUEUE_PREFIX, {
      signal: stopRebuild.signal, onMonth: (month, facts) => logger.info({ month, facts }, 'customer health rebuilt for a month'),
    }).then((outcome) => {
      if (typeof outcome === 'object') logger.info(outcome, 'customer health rebuilt from the stored facts');
    }, (err: unknown) => logger.warn({ err }, 'customer health rebuild stopped; the next start resumes it'));
    closers.unshift(async () => { stopRebuild.abort(); await rebuilding; });
  }

  let server: http.Server | undefined;
  let app: Express | undefined;
  let io: Server | undefined;
  let url: string | undefined;
  if (role !== 'worker') {
    app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', trustProxy(config.TRUST_PROXY));
    app.use(hostGuard);
    app.use(helmet({ contentSecurityPolicy: false }));
    app.use(healthRouter(deps));
    // Requests a channel already knows it refuses (a flooding address) are answered before Express (IngressHandle).
    const earlyRefusals: Array<NonNullable<IngressHandle['refuseEarly']>> = [];
    const handler = app; // narrowed here; the callback runs later
    server = http.createServer((req, res) => {
      for (const refuse of earlyRefusals) if (refuse(req, res)) return;
      handler(req, res);
    });
    // An idle kept-alive connection is closed by the hub later than by anyone who reuses it (load balancers keep
    // them 60 s, fetch clients ~4 s, Node's default here was 5 s): otherwise the hub may close one just as a proxy or
    // provider sends the next request on it, which fails with ECONNRESET (seen under load).
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1_000;
    const pub = redis.duplicate();
    const sub = redis.duplicate();
    const limits = visitorLimits(redis, config.QUEUE_PREFIX, {
      session: config.WIDGET_RATE_SESSION, connect: config.WIDGET_RATE_CONNECT, send: config.WIDGET_RATE_SEND, history: config.WIDGET_RATE_HISTORY, typing: config.WIDGET_RATE_TYPING,
      receipt: config.WIDGET_RATE_RECEIPT, contact: config.WIDGET_RATE_CONTACT, upload: config.WIDGET_RATE_UPLOAD, state: config.WIDGET_RATE_STATE,
    }, (err) => logger.warn({ err }, 'rate limiter unavailable: requests pass unlimited'));
    const clientAddress = clientAddressOf(app);
    const handshakeGuard = new HandshakeGuard(clientAddress);
    const refusalHold = new RefusalHold();
    io = new Server(server, {
      adapter: createAdapter(publishingClient(pub, unpublished), sub, { key: `${config.QUEUE_PREFIX}:socket.io` }),
      serveClient: false,
      // Each connection's frames take turns with everyone else's (src/realtime/fair-ws.ts).
      wsEngine: FairWebSocketServer,
      // An address that keeps reconnecting after refusals is refused before the handshake (src/realtime/handshake-guard.ts),
      // the refusal held like a session's (src/services/rate-limit/refusal-hold.ts).
      allowRequest: (req, answer) => {
        const wait = handshakeGuard.refusedFor(req);
        if (!wait) return answer(null, true);
        refusalHold.hold(clientAddress(req), wait, () => answer(null, false));
      },
    });
    // Channel routes before the API's: a flood of widget session requests is answered without walking the API's
    // route table (the channels' few routes cost an agent's request little).
    const channelRouter = express.Router();
    app.use(channelRouter);
    mountApi(app, deps);
    app.use(csatPageRouter(deps)); // the survey page behind the signed links (public, token-gated)
    attachAgentNamespace(io.of(Namespaces.agents), deps);
    for (const mod of channelModules) {
      const handle = await mod.mountIngress?.({
        router: channelRouter,
        widgetNamespace: io.of(Namespaces.widget),
        enqueueInbound: (message) => acceptInbound({ blobs: deps.blobs, queues, maxAttachmentBytes: config.ATTACHMENT_MAX_BYTES, logger }, message),
        discardAttachments: (attachments) => discardAttachments(deps.blobs, attachments, logger),
        visitorHistory: (visitorId, opts) => visitorHistory(deps.models, mod.name, visitorId, opts),
        visitorTyping: (visitorId, typing) => visitorTyping(deps.models, events, mod.name, visitorId, typing),
        visitorReceipts: (visitorId, ids, status) => applyVisitorReceipts(deps.models, events, mod.name, visitorId, ids, status),
        visitorState: (visitorId) => visitorState(deps.models, mod.name, visitorId),
        visitorEmail: (visitorId, email) => leaveVisitorEmail(deps.models, mod.name, visitorId, email),
        signedAttributes: (visitorId, attributes) => applyWidgetAttributes(deps.models, visitorId, attributes, events),
        rateLimit: async (action, who) => {
          const decision = await limits.check(action, who);
          if (!decision.allowed && action === 'connect') handshakeGuard.noteRefused(who.ip, decision.retryAfterMs);
          return decision;
        },
        rateLimitRefusal: (action, who) => limits.refusedFor(action, who),
        holdRefusal: (address, retryAfterMs, answer) => refusalHold.hold(address, retryAfterMs, answer),
        clientAddress,
        storeAttachment: (input) => storeAttachment(deps.blobs, input, config.ATTACHMENT_MAX_BYTES),
        reportDelivery: (report) => applyDeliveryReport(deps.models, events, report),
        quarantine: (record) => deps.models.quarantine.add(record),
        inboundExists: (dedupeKey) => deps.models.messages.exists(messageIdFor(dedupeKey)),
        openAttachment: (key) => deps.blobs.open(key),
        logger,
        env: channelEnv(config),
      });
      if (handle) closers.unshift(() => handle.close()); // listeners and pollers stop before the store closes
      if (handle?.refuseEarly) earlyRefusals.push(handle.refuseEarly);
    }
    app.use(express.static(path.join(root, 'public'), { index: false, maxAge: '1h' }));
    app.use(consoleStatic(path.join(root, 'agent-ui', 'dist')));
    app.use((_req, res) => res.status(HTTP_STATUS.not_found).json(errorBody('not_found', 'not found')));
    app.use(errorHandler(logger)); // channel routes too answer errors as JSON, never an HTML stack page
    await new Promise<void>((resolve) => server!.listen(config.PORT, config.HOST, resolve));
    const addr = server.address();
    url = typeof addr === 'object' && addr ? `http://${config.HOST}:${addr.port}` : undefined;
    if (!config.PUBLIC_URL && url) wireCsat(deps.models, csatWiringFrom(config, url));
    closers.unshift(async () => {
      // Stop taking new connections first, then let in-flight work finish.
      await new Promise<void>((resolve) => { io!.close(() => resolve()); });
      // Best effort at shutdown: a connection that is already gone has nothing left to close.
      await Promise.all([pub.quit().catch(() => {}), sub.quit().catch(() => {})]);
      // close() ends idle connections now; one whose request finishes later would stay open KEEP_ALIVE_MS: end
      // those as they fall idle, so shutdown waits for in-flight requests only.
      const idle = setInterval(() => server!.closeIdleConnections(), 200);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      clearInterval(idle);
    });
  }

  return {
    deps, server, app, io, url,
    // Every step runs even if an earlier one fails (e.g. the store is already gone), so nothing is left open.
    async close() {
      const steps = [...closers, async () => stopSegmentStamps(), async () => detachRedisState(), async () => stopMaintenance(), () => queues.close(), () => redis.quit(), () => db.close()];
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
