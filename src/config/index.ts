import { z } from 'zod';

// Every setting comes from the environment, is validated once at start, and fails with one line per bad value.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
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
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
