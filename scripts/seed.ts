// Seeds a local hub: an admin, the default routing team (ROUTING_DEFAULT_TEAM, else "Destek"; least-busy), a
// supervisor, an agent and a few demo conversations, queued for routing in that team (the worker routes them).
// Idempotent: existing accounts are left alone and demo messages carry fixed dedupe keys, so running it again
// changes nothing. Usage: MONGODB_URI=... node --import tsx scripts/seed.ts (npm run seed / npm start set it up).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config';
import type { InboundMessage } from '../src/domain/messages';
import type { Role } from '../src/domain/views';
import { createAgent, DuplicateError } from '../src/services/agents/agents';
import { ingest } from '../src/services/ingest/ingest';
import { createQueues, redisConnection } from '../src/queues';
import { DEFAULT_TEAM_NAME, ensureDefaultTeam } from '../src/services/routing/default-team';
import { enqueueRouting } from '../src/services/routing/routing';
import { wireSearch } from '../src/services/search/search-index';
import { calendarClock, wireMetrics } from '../src/services/metrics/metrics';
import { segmentIdsOf } from '../src/services/crm/segments';
import { effectiveSettings } from '../src/services/sla/sla-settings';
import { attachRedisState, connectStore, ensureIndexes, models, type Models } from '../src/store';

// The seed signs nothing, so placeholder secrets only satisfy the config schema when the caller has none.
const placeholder = 'seed-does-not-sign-anything-000000000000';
const config = loadConfig({
  JWT_SECRET: placeholder,
  WIDGET_TOKEN_SECRET: placeholder,
  ...(process.env.KANAL_MONGO_BASE ? { MONGODB_URI: `${process.env.KANAL_MONGO_BASE}/kanal` } : {}),
  ...process.env,
});

async function ensureAgent(m: Models, input: { email: string; name: string; role: Role; password?: string; teamIds?: string[] }) {
  const existing = await m.agents.byEmail(input.email.toLowerCase());
  if (existing) return { created: false, password: undefined };
  const password = input.password ?? randomBytes(12).toString('base64url');
  try {
    await createAgent(m, { ...input, password, languages: ['tr', 'en'] });
    return { created: true, password };
  } catch (err) {
    if (err instanceof DuplicateError) return { created: false, password: undefined }; // created concurrently
    throw err;
  }
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const demo: InboundMessage[] = [
  {
    channel: 'webchat', dedupeKey: 'webchat:seed-ayse-1', from: { address: 'seed-visitor-ayse', name: 'Ayşe Yılmaz' },
    linkedIdentities: [{ channel: 'email', address: 'ayse.yilmaz@example.com' }],
    text: 'Merhaba, dün verdiğim sipariş hâlâ kargoya verilmemiş. Yardımcı olabilir misiniz?', attachments: [], sentAt: minutesAgo(50), language: 'tr',
  },
  {
    channel: 'email', dedupeKey: 'email:<seed-ayse-2@example.com>', from: { address: 'ayse.yilmaz@example.com', name: 'Ayşe Yılmaz' },
    subject: 'Sipariş #10482', text: 'Sipariş numaram 10482. Teşekkürler, iyi çalışmalar.', attachments: [], sentAt: minutesAgo(45), language: 'tr',
    threadHints: { messageId: '<seed-ayse-2@example.com>' },
  },
  {
    channel: 'sms', dedupeKey: 'sms:SMseed0001', providerId: 'SMseed0001', from: { address: '+905321112233', name: 'Mehmet Öztürk' },
    text: 'İade kodu gelmedi, ürünü nasıl geri gönderebilirim?', attachments: [], sentAt: minutesAgo(30), language: 'tr',
  },
  {
    channel: 'sms', dedupeKey: 'sms:SMseed0002', providerId: 'SMseed0002', from: { address: '+905447778899', name: 'Şule Çağlar' },
    text: 'Faturamı e-posta ile alabilir miyim?', attachments: [], sentAt: minutesAgo(12), language: 'tr',
  },
  {
    channel: 'email', dedupeKey: 'email:<seed-john-1@example.org>', from: { address: 'john.smith@example.org', name: 'John Smith' },
    subject: 'Opening hours', text: 'Hi, are you open on Saturdays?', attachments: [], sentAt: minutesAgo(5), language: 'en',
  },
];

async function main() {
  const db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  const redis = redisConnection(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  try {
    await ensureIndexes(db);
    const m = models(db);
    // The demo messages are written like any ingest: search postings and term counts, and the inbox index and thread
    // cache in Redis (a hub already running shows them at once).
    wireSearch(m, { redis, prefix: config.QUEUE_PREFIX });
    // Their metric facts go to the hub's bucket feed as live ones do: without it, reports never counted the demo's
    // email and SMS messages (only web chat written later through a running hub).
    wireMetrics(m, {
      redis, prefix: config.QUEUE_PREFIX, clock: calendarClock(async (teamId) => (await effectiveSettings(m, teamId)).calendar),
      segmentsOf: (customerId) => segmentIdsOf(m, customerId),
    });
    attachRedisState(db, redis, config.QUEUE_PREFIX);
    const teamName = config.ROUTING_DEFAULT_TEAM ?? DEFAULT_TEAM_NAME;
    const teamId = String(await ensureDefaultTeam(m, teamName));
    const adminEmail = process.env.SEED_ADMIN_EMAIL ?? 'admin@kanal.local';
    // A person's name: customers see it on the admin's web chat replies ("Yönetici", the role, told them nothing).
    const admin = await ensureAgent(m, { email: adminEmail, name: process.env.SEED_ADMIN_NAME ?? 'Deniz Aksoy', role: 'admin', password: process.env.SEED_ADMIN_PASSWORD, teamIds: [teamId] });
    const supervisor = await ensureAgent(m, { email: 'supervisor@kanal.local', name: 'Selin Kaya', role: 'supervisor', teamIds: [teamId] });
    const agent = await ensureAgent(m, { email: 'agent@kanal.local', name: 'Emre Demir', role: 'agent', teamIds: [teamId] });
    for (const msg of demo) {
      // As the inbound worker does: an opening is routed (by the hub's worker, into the default team).
      const r = await ingest(m, null, msg);
      if (r.opened) await enqueueRouting(queues.routing, r.conversationId, r.messageId);
    }

    // Passwords are printed once, at creation; a generated one is never stored anywhere else.
    const lines = [
      ['admin', adminEmail, admin, Boolean(process.env.SEED_ADMIN_PASSWORD)],
      ['supervisor', 'supervisor@kanal.local', supervisor, false],
      ['agent', 'agent@kanal.local', agent, false],
    ] as const;
    console.log(`Kanal seed done (team "${teamName}", demo conversations).`);
    for (const [role, email, r, fromEnv] of lines) {
      if (!r.created) console.log(`  ${role.padEnd(10)} ${email} (exists, password unchanged)`);
      else console.log(`  ${role.padEnd(10)} ${email}  password: ${fromEnv ? '(from SEED_ADMIN_PASSWORD)' : r.password}`);
    }
  } finally {
    await queues.close();
    redis.disconnect();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error('seed failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
