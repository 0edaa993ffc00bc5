import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { serveControl } from '../channels/whatsapp/control';
import { wwebjsClientFactory, wwebjsMedia, type RemoteAuthOptions } from '../channels/whatsapp/client';
import { WhatsAppSession, type SessionSink, type SessionStatus, type WwebjsClient } from '../channels/whatsapp/session';
import { ConfigError, type Config } from './config';
import { AgentEvents } from './domain/events';
import { createLogger } from './logger';
import { createQueues, publishingClient, redisConnection, type QueueSet } from './queues';
import { storeAttachment } from './services/ingest/attachments';
import { acceptInbound } from './services/ingest/inbound-intake';
import { applyDeliveryReport } from './services/delivery/delivery-status';
import { EventPublisher } from './services/events';
import { webhookDepsOf } from './services/webhooks/webhooks';
import { webhookObserver } from './services/webhooks/webhook-observer';
import { automationDepsOf, automationObserver } from './services/automation';
import { sessionStatusKey } from './services/delivery/wa-session-status';
import { attachRedisState, connectStore, ensureIndexes, gridFsBlobStore, models, type BlobStore, type Models } from './store';
import { remoteAuthStore } from './store/wa-sessions';


/** The session's results, written the way the hub's own ingress would: queue, GridFS, delivery receipts, admin events. */
export function hubSessionSink(d: { config: Config; redis: Redis; queues: QueueSet; models: Models; blobs: BlobStore; events: EventPublisher }): SessionSink {
  return {
    async status(status: SessionStatus) {
      await d.redis.set(sessionStatusKey(d.config.QUEUE_PREFIX, status.account), JSON.stringify(status));
      d.events.toAdmins(AgentEvents.whatsappSession, { ...status, unofficial: true });
    },
    // The same intake as the hub's channels: fitted to the one inbound schema, attachments removed unless queued.
    enqueueInbound: (message) => acceptInbound({ blobs: d.blobs, queues: d.queues, maxAttachmentBytes: d.config.ATTACHMENT_MAX_BYTES }, message),
    storeAttachment: (input) => storeAttachment(d.blobs, input, d.config.ATTACHMENT_MAX_BYTES),
    reportDelivery: (report) => applyDeliveryReport(d.models, d.events, report),
  };
}

/**
 * The whatsapp-web.js session process (one per WhatsApp account; it holds a Chromium): pairs by QR, restores the
 * pairing from the store (RemoteAuth), enqueues inbound messages and serves sends to the workers.
 * The client factory builds whatsapp-web.js's Client in production; tests pass one building a stand-in (with the
 * same RemoteAuth store).
 */
export async function startWhatsAppSession(
  config: Config,
  opts: { clientFactory?: (auth: RemoteAuthOptions) => () => WwebjsClient; reconnectDelayMs?: number } = {},
) {
  if (!config.WWEBJS_CONTROL_TOKEN) throw new ConfigError('WWEBJS_CONTROL_TOKEN is required for the whatsapp-web.js session');
  const logger = createLogger(config.LOG_LEVEL);
  const db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
  const redis = redisConnection(config.REDIS_URL);
  // Delivery receipts written here must reach the inbox index and the thread cache, as the hub's writes do.
  const detachRedisState = attachRedisState(db, redis, config.QUEUE_PREFIX);
  const queues = createQueues(redis, config.QUEUE_PREFIX, { attempts: config.OUTBOUND_ATTEMPTS });
  const events = new EventPublisher(publishingClient(redis, (err) => logger.warn({ err }, 'realtime event not published')), `${config.QUEUE_PREFIX}:socket.io`);
  const m = models(db);
  events.observe(webhookObserver(webhookDepsOf({ config, models: m, redis, logger, queues, events })));
  events.observe(automationObserver(automationDepsOf({ config, models: m, redis, logger, queues })));
  const blobs = gridFsBlobStore(db);
  const dataPath = path.resolve(config.WWEBJS_DATA_DIR);
  mkdirSync(dataPath, { recursive: true });
  const store = remoteAuthStore(db, dataPath);
  const session = new WhatsAppSession({
    account: config.WWEBJS_ACCOUNT,
    createClient: (opts.clientFactory ?? wwebjsClientFactory)({ account: config.WWEBJS_ACCOUNT, store, dataPath }),
    reconnectDelayMs: opts.reconnectDelayMs,
    makeMedia: wwebjsMedia,
    sink: hubSessionSink({ config, redis, queues, models: m, blobs, events }),
    logger,
    defaultRegion: config.PHONE_DEFAULT_REGION,
    groups: config.WWEBJS_GROUPS === 'true',
  });
  const control = new URL(config.WWEBJS_CONTROL_URL);
  const server = await serveControl(session, {
    host: control.hostname, port: Number(control.port || 80), token: config.WWEBJS_CONTROL_TOKEN,
    defaultRegion: config.PHONE_DEFAULT_REGION, logger, openAttachment: (key) => blobs.open(key),
  });
  await session.start();
  return {
    session, store, db, controlUrl: server.url,
    async close() {
      await server.close();
      await session.stop();
      await queues.close();
      detachRedisState();
      await redis.quit().catch(() => {}); // best effort at shutdown: a connection already gone needs no closing
      await db.close();
    },
  };
}
