import { z } from 'zod';
import { channelConfigShape } from '../../channels';
import { KanalError } from '../domain/errors';

/**
 * A web chat rate: `<per visitor>,<per client address>/<seconds>s`, e.g. `30,300/60s` (0 turns that budget off).
 * Read as a token bucket: that many at once, then one per window / count (src/services/rate-limit).
 */
const visitorRate = (dflt: string) =>
  z.string().regex(/^\d+,\d+\/\d+s$/, 'must look like 30,300/60s (per visitor, per address / window)').default(dflt).transform((v) => {
    const [visitor, ip, seconds] = v.split(/[,/s]/).map(Number) as [number, number, number];
    return { visitor, ip, windowMs: Math.max(1, seconds) * 1000 };
  });

// Every setting comes from the environment, is validated once at start, and fails with one line per bad value.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  // The hub's public base URL (what Twilio, browsers and embedding sites call). Required in production: see
  // productionProblems below.
  PUBLIC_URL: z.url().optional(),
  /**
   * Which proxies may set X-Forwarded-For (Express 'trust proxy': 'loopback', a subnet list, a hop count); unset:
   * none, the client address is the socket's (a forged header then changes nothing, e.g. for sign-in throttling).
   */
  TRUST_PROXY: z.string().optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
  // The PostgreSQL database behind a local FerretDB (scripts/services.mjs sets it); never set with MongoDB.
  FERRETDB_POSTGRESQL_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('kanal'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  // Signs the satisfaction survey links (HMAC-SHA256; docs/csat.md). Unset: a key derived from JWT_SECRET. Rotating it
  // invalidates the links already sent.
  CSAT_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Web chat limits per visitor and per client address (docs/operations.md, "Rate limits"): session creation, socket
  // connections, and the `/widget` events message:send, history and typing (typing over the limit is dropped silently).
  WIDGET_RATE_SESSION: visitorRate('20,60/60s'),
  WIDGET_RATE_CONNECT: visitorRate('10,100/60s'),
  WIDGET_RATE_SEND: visitorRate('20,200/10s'),
  WIDGET_RATE_HISTORY: visitorRate('30,300/60s'),
  WIDGET_RATE_TYPING: visitorRate('30,300/10s'),
  WIDGET_RATE_RECEIPT: visitorRate('60,600/60s'),
  WIDGET_RATE_CONTACT: visitorRate('5,50/600s'),
  WIDGET_RATE_UPLOAD: visitorRate('10,100/600s'),
  WIDGET_RATE_STATE: visitorRate('20,200/60s'),
  // Requests per API token: `<count>/<seconds>s`, a token bucket (that many at once, then one per window / count).
  API_TOKEN_RATE: z.string().regex(/^\d+\/\d+s$/, 'must look like 600/60s').default('600/60s').transform((v) => {
    const [limit, seconds] = v.split(/[/s]/).map(Number) as [number, number];
    return { limit, windowMs: Math.max(1, seconds) * 1000 };
  }),
  // Outgoing webhooks (docs/webhooks.md): attempts per delivery with exponential backoff from WEBHOOK_BACKOFF_MS
  // (10 × 5 s: the last about 42 minutes after the first), the answer timeout, and after how many deliveries in a row
  // failed for good the webhook is turned off (admins are told).
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(10),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOUND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOUND_BACKOFF_MS: z.coerce.number().int().min(10).default(2000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  // How long a worker's job lock lives: a job of a worker that died is retried by another after about this long.
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30000),
  // How often each worker process writes its heartbeat to Redis (it expires after three intervals; /healthz lists them).
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5000),
  // Largest attachment accepted on any channel (email parts, MMS media, console uploads).
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  // Routing (docs/routing.md): how long an agent may stay offline before their open conversations are re-queued,
  // the team a conversation without one is routed to (by name; unset: such conversations stay unrouted), and how
  // long a console's "viewing this conversation" mark lives without being refreshed.
  ROUTING_OFFLINE_GRACE_MS: z.coerce.number().int().min(0).default(120000),
  ROUTING_DEFAULT_TEAM: z.string().min(1).max(200).optional(),
  ROUTING_VIEWER_TTL_MS: z.coerce.number().int().min(1000).default(60000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  // Each channel's own settings (EMAIL_*, TWILIO_*, WHATSAPP_*, WIDGET_* ...), declared in its module (channels/index.ts).
  ...channelConfigShape,
});

export type Config = z.infer<typeof schema>;

/** The environment does not describe a runnable process (the entry prints the problems and exits with 2). */
export class ConfigError extends KanalError {
  constructor(message: string) {
    super('misconfigured', message);
  }
}

/** For process entries: the config, or the problems on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

/**
 * Settings that only production requires. Checked beside the schema (not as a refinement of it) so that one start
 * lists every problem at once. Without PUBLIC_URL the hub would check Twilio's signatures against whatever Host a
 * request names and could request no status callbacks: every webhook would fail quietly with a 403.
 */
function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production' || env.PUBLIC_URL) return [];
  return ['  PUBLIC_URL: required when NODE_ENV=production: the base URL Twilio and browsers reach the hub at, e.g. https://destek.example.com (docs/operations.md)'];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const lines = [...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)), ...productionProblems(env)];
  if (lines.length > 0) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return parsed.data!;
}
