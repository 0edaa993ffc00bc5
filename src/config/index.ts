import { z } from 'zod';
import { emailConfigShape } from '../domain/email-config';
import { templatesProblem } from '../domain/whatsapp-templates';

// Every setting comes from the environment, is validated once at start, and fails with one line per bad value.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
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
  WIDGET_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
  // When set, the web chat widget runs in strict identity mode: the host site signs user ids with this secret.
  WIDGET_IDENTITY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOUND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOUND_BACKOFF_MS: z.coerce.number().int().min(10).default(2000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  // How long a worker's job lock lives: a job of a worker that died is retried by another after about this long.
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30000),
  // Largest attachment accepted on any channel (email parts, MMS media, console uploads).
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  // Phone channels (docs/phone.md). Twilio is off until the account SID and auth token are set.
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex)').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Twilio's REST API origin; only tests and proxies change it.
  TWILIO_API_BASE: z.url().optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
  TWILIO_WHATSAPP_FROM: z.string().regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
  // Numbers written without a country code (0532 ...) are read in this region.
  PHONE_DEFAULT_REGION: z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter region code').default('TR'),
  // Which route the one `whatsapp` channel uses: the official Twilio API or a whatsapp-web.js session (unofficial).
  WHATSAPP_ROUTE: z.enum(['twilio', 'wwebjs']).default('twilio'),
  // Approved WhatsApp templates, JSON: {"name": {"contentSid": "HX...", "variables": ["customer", ...], "preview": "..."}}.
  WHATSAPP_TEMPLATES: z.string().optional().superRefine((v, ctx) => {
    const problem = v === undefined ? undefined : templatesProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  // whatsapp-web.js: deliver group chats too (ignored by default).
  WWEBJS_GROUPS: z.enum(['true', 'false']).default('false'),
  // The WhatsApp account this deployment's session process holds, and where workers reach it (a local HTTP control).
  WWEBJS_ACCOUNT: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('default'),
  WWEBJS_CONTROL_URL: z.url().default('http://127.0.0.1:3011'),
  WWEBJS_CONTROL_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  WWEBJS_DATA_DIR: z.string().default('.data/wwebjs'),
  // Routing (docs/routing.md): how long an agent may stay offline before their open conversations are re-queued,
  // the team a conversation without one is routed to (by name; unset: such conversations stay unrouted), and how
  // long a console's "viewing this conversation" mark lives without being refreshed.
  ROUTING_OFFLINE_GRACE_MS: z.coerce.number().int().min(0).default(120000),
  ROUTING_DEFAULT_TEAM: z.string().min(1).max(200).optional(),
  ROUTING_VIEWER_TTL_MS: z.coerce.number().int().min(1000).default(60000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  ...emailConfigShape, // EMAIL_* (docs/email.md)
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
