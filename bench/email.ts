// Email intake (bench/README.md, phase `email`): (a) SMTP mails/s ingested end to end — nodemailer client -> our
// SMTP listener -> inbound queue -> worker -> message in the store — beside the SMTP floor: the same mails sent the
// same way to a bare smtp-server that only reads the stream; (b) the hub process' peak RSS while one mail with a
// 10 MB attachment goes through, against its idle RSS. The hub is a child process (bench/hub.ts), so its RSS is
// its own. Run alone with
//   node scripts/with-services.mjs --own-store sh -c 'BENCH_ONLY=email node --import tsx bench/run.ts'
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { SMTPServer } from 'smtp-server';
import { connectStore, ensureIndexes, models } from '../src/store';
import { startChildHub } from './hub';
import { benchText, cpuMsOf, deleteKeys, envInt, freePort, pidListeningOn, pool, round, sleep, waitUntil, STORE_OPTIONS } from './lib';
import { collectionsOf } from '../src/store/collections';

const N = envInt('BENCH_EMAIL_N', 400, 10, 100_000);
const CONNECTIONS = envInt('BENCH_EMAIL_CONNECTIONS', 8, 1, 100);
const SENDERS = envInt('BENCH_EMAIL_SENDERS', 20, 1, 10_000);
const MAX_SECONDS = envInt('BENCH_EMAIL_MAX_SECONDS', 40, 1, 600);
const ATTACHMENT_MB = envInt('BENCH_EMAIL_ATTACHMENT_MB', 10, 1, 24);
const SUPPORT = 'support@kanal.bench';
const mb = (bytes: number) => round(bytes / 2 ** 20, 1)!;

export interface EmailBenchResult {
  config: { n: number; connections: number; senders: number; attachmentMb: number };
  smtp: { ingestRate: number | null; stored: number; floorRate: number | null; ratio: number | null; ingestMs: number; floorMs: number; hubCpuMsPerMail: number | null; storeCpuMsPerMail: number | null };
  memory: { idleRssMb: number; beforeRssMb: number; peakRssMb: number; peakMinusBeforeMb: number; attachmentMb: number; rawMailMb: number; endToEndMs: number; samples: number };
}

/** The bench's customer mails: Turkish text, one Message-ID each, from SENDERS distinct customers. */
function benchMail(runId: string, i: number): Mail.Options {
  return {
    from: { name: `Müşteri ${i % SENDERS}`, address: `musteri${i % SENDERS}-${runId}@example.com.tr` },
    to: SUPPORT,
    subject: `Sipariş ${i}`,
    messageId: `<bench-${runId}-${i}@kanal.bench>`,
    text: benchText(String(i), i),
  };
}

/** A pooled nodemailer client (CONNECTIONS sessions) to a loopback SMTP server without TLS or AUTH. */
const client = (port: number) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });

/** Sends mails [from, to) with CONNECTIONS in flight; throws on the first refused mail (the figures would lie). */
async function sendRange(transport: Transporter, runId: string, from: number, to: number): Promise<void> {
  const r = await pool(to - from, CONNECTIONS * 2, (k) => transport.sendMail(benchMail(runId, from + k)));
  if (r.errors) throw new Error(`${r.errors} mails refused, first: ${(r.firstError as Error).message}`);
}

/** The SMTP floor: a bare smtp-server that reads each DATA stream to its end and answers 250. */
async function smtpFloor(runId: string, log: (m: string) => void): Promise<{ rate: number; ms: number }> {
  const sink = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false, size: 30 * 2 ** 20,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const port = (sink.server.address() as { port: number }).port;
  const transport = client(port);
  try {
    await sendRange(transport, `${runId}w`, 0, SENDERS); // warm-up: open the pooled connections
    const t0 = performance.now();
    await sendRange(transport, runId, 0, N);
    const ms = performance.now() - t0;
    log(`email floor: ${N} mails to a bare smtp-server in ${Math.round(ms)} ms`);
    return { rate: round((N * 1000) / ms, 1)!, ms: Math.round(ms) };
  } finally {
    transport.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export async function runEmailBench(opts: { mongoBase: string; redisUrl: string; runId: string; log: (m: string) => void }): Promise<EmailBenchResult> {
  const { log, runId } = opts;
  const floor = await smtpFloor(runId, log);

  const mongoUri = `${opts.mongoBase}/kb_${runId}_email`;
  const prefix = `kb:${runId}:email`;
  const db = await connectStore(mongoUri, STORE_OPTIONS);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3 });
  const m = models(db);
  let hub: Awaited<ReturnType<typeof startChildHub>> | undefined;
  let transport: Transporter | undefined;
  try {
    await ensureIndexes(db);
    const smtpPort = await freePort();
    hub = await startChildHub(
      { mongoUri, redisUrl: opts.redisUrl, prefix, concurrency: 16, secrets: { jwt: randomBytes(32).toString('hex'), widget: randomBytes(32).toString('hex') } },
      { EMAIL_SMTP_PORT: String(smtpPort), EMAIL_SUPPORT_ADDRESSES: SUPPORT, EMAIL_TOKEN_SECRET: randomBytes(32).toString('hex') },
    );
    const pid = hub.pids[0]!;
    log(`email: hub child ${pid} up at ${hub.url}, SMTP listener on ${smtpPort}`);
    const stored = () => collectionsOf(m).Message.countDocuments({ channel: 'email', direction: 'in' });
    await sleep(1000); // let start-up allocations settle before calling the hub idle
    const idleRss = rssOf(pid);

    // (a) Throughput. Warm-up: one mail per sender (creates customers and conversations), all stored.
    transport = client(smtpPort);
    await sendRange(transport, `${runId}w`, 0, SENDERS);
    await waitUntil(async () => (await stored()) >= SENDERS, 30_000, 'warm-up mails stored', 100);
    const storePid = pidListeningOn(Number(new URL(opts.mongoBase).port || 27017));
    const cpu0 = { hub: cpuMsOf(pid), store: storePid ? cpuMsOf(storePid) : null };
    const t0 = performance.now();
    await sendRange(transport, runId, 0, N);
    let count = 0;
    const until = t0 + MAX_SECONDS * 1000;
    while ((count = (await stored()) - SENDERS) < N && performance.now() < until) await sleep(50);
    const ingestMs = performance.now() - t0;
    const perMail = (a: number | null, b: number | null) => (a == null || b == null || !count ? null : round((b - a) / count, 2));
    const cpu = { hub: perMail(cpu0.hub, cpuMsOf(pid)), store: perMail(cpu0.store, storePid ? cpuMsOf(storePid) : null) };
    const ingestRate = count ? round((count * 1000) / ingestMs, 1) : null;
    log(`email: ${count}/${N} mails stored in ${Math.round(ingestMs)} ms -> ${ingestRate}/s (floor ${floor.rate}/s)`);

    // (b) Memory: one mail with a random (incompressible, unsniffable) attachment; RSS sampled until it is stored.
    transport.close();
    transport = client(smtpPort);
    await sleep(1000);
    const beforeRss = rssOf(pid);
    const attachment = randomBytes(ATTACHMENT_MB * 2 ** 20);
    const big: Mail.Options = { ...benchMail(runId, N), messageId: `<bench-${runId}-big@kanal.bench>`, attachments: [{ filename: 'rapor.bin', content: attachment }] };
    const rawMail = await new Promise<Buffer>((resolve, reject) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(big, (err, info) => (err ? reject(err) : resolve(info.message as Buffer))),
    );
    let peak = beforeRss;
    let samples = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(pid)); samples++; }, 10);
    const tb = performance.now();
    try {
      await transport.sendMail(big);
      await waitUntil(() => collectionsOf(m).Message.exists({ dedupeKey: `email:<bench-${runId}-big@kanal.bench>` }), 60_000, 'the 10 MB mail stored', 20);
    } finally {
      clearInterval(sampler);
    }
    const endToEndMs = Math.round(performance.now() - tb);
    const memory = {
      idleRssMb: mb(idleRss), beforeRssMb: mb(beforeRss), peakRssMb: mb(peak), peakMinusBeforeMb: mb(peak - beforeRss),
      attachmentMb: ATTACHMENT_MB, rawMailMb: mb(rawMail.length), endToEndMs, samples,
    };
    log(`email: ${ATTACHMENT_MB} MB attachment (${memory.rawMailMb} MB raw) stored in ${endToEndMs} ms; hub RSS idle ${memory.idleRssMb} MB, before ${memory.beforeRssMb} MB, peak ${memory.peakRssMb} MB (+${memory.peakMinusBeforeMb} MB, ${samples} samples)`);

    return {
      config: { n: N, connections: CONNECTIONS, senders: SENDERS, attachmentMb: ATTACHMENT_MB },
      smtp: {
        ingestRate, stored: count, floorRate: floor.rate, ratio: ingestRate == null ? null : round(ingestRate / floor.rate, 3),
        ingestMs: Math.round(ingestMs), floorMs: floor.ms, hubCpuMsPerMail: cpu.hub, storeCpuMsPerMail: cpu.store,
      },
      memory,
    };
  } finally {
    transport?.close();
    await hub?.stop();
    await db.dropDatabase().catch(() => {});
    await db.close();
    const keys = await deleteKeys(redis, `${prefix}*`).catch(() => 0);
    log(`email: dropped kb_${runId}_email, deleted ${keys} Redis keys (${prefix}*)`);
    await redis.quit();
  }
}
