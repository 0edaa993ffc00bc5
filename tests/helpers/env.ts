import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';

/**
 * A config for one test file: its own database and queue prefix, so files never see each other's data.
 * Redis and the store come from `npm test` (scripts/with-services.mjs sets REDIS_URL and KANAL_MONGO_BASE).
 */
export function testConfig(name: string, overrides: Record<string, string> = {}): Config {
  const id = `${name.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const base = process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017';
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${base}/kt_${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...(process.env.FERRETDB_POSTGRESQL_URL ? { FERRETDB_POSTGRESQL_URL: process.env.FERRETDB_POSTGRESQL_URL } : {}),
    QUEUE_PREFIX: `kt:${id}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    WIDGET_TOKEN_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    OUTBOUND_BACKOFF_MS: '50',
    OUTBOUND_ATTEMPTS: '3',
    ...overrides,
  };
  const config = loadConfig(env);
  envs.set(config, env);
  return config;
}

const envs = new WeakMap<Config, Record<string, string>>();
/** The environment a test config was loaded from: what a child process (src/main.ts) is started with. */
export function envOf(config: Config): Record<string, string> {
  const env = envs.get(config);
  if (!env) throw new Error('not a config made by testConfig()');
  return env;
}
