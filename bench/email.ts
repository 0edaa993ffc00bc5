// Email intake (bench/README.md, phase `email`): (a) SMTP mails/s ingested end to end — nodemailer client -> our
// SMTP listener -> inbound queue -> worker -> message in the store — beside the SMTP floor: the same mails sent the
// same way to a bare smtp-server that only reads the stream; (b) the hub process' peak RSS while one mail with a
// 10 MB attachment goes through, against its idle RSS; (c) `concurrentLarge`: its peak RSS while
// BENCH_EMAIL_LARGE_N (20) mails of the configured maximum size (EMAIL_MAX_BYTES) arrive at once, against the bound
// 2 x idle + that size. The hub is a child process (bench/hub.ts), so its RSS is its own. Run alone with
//   node scripts/with-services.mjs --own-store sh -c 'BENCH_ONLY=email node --import tsx bench/run.ts'
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
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
const LARGE_N = envInt('BENCH_EMAIL_LARGE_N', 20, 1, 100);
// The hub's EMAIL_MAX_BYTES for the run (the default of the config); the large mails are just under it.
const MAX_MB = envInt('BENCH_EMAIL_MAX_MB', 30, 1, 100);
const LARGE_AT_ONCE = envInt('BENCH_EMAIL_LARGE_AT_ONCE', 2, 1, 100); // the hub's EMAIL_LARGE_MAILS_AT_ONCE
const SUPPORT = 'support@kanal.bench';
const mb = (bytes: number) => round(bytes / 2 ** 20, 1)!;

export interface EmailBenchResult {
  config: { n: number; connections: number; senders: number; attachmentMb: number };
  smtp: { ingestRate: number | null; stored: number; floorRate: number | null; ratio: number | null; ingestMs: number; floorMs: number; hubCpuMsPerMail: number | null; storeCpuMsPerMail: number | null };
  memory: { idleRssMb: number; beforeRssMb: number; peakRssMb: number; peakMinusBeforeMb: number; attachmentMb: number; rawMailMb: number; endToEndMs: number; samples: number };
  concurrentLarge: {
    mails: number; rawMailMb: number; maxMailMb: number; largeAtOnce: number; idleRssMb: number; beforeRssMb: number; peakRssMb: number;
    boundMb: number; withinBound: boolean; stored: number; refused: number; allStoredMs: number; afterRssMb: number; samples: number;
  };
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

/**
 * `n` mails with one random attachment each, each just under `maxBytes` raw, as streams over one shared body (the
 * bench process never holds n copies). Sent without SIZE=, as every one of them arrives at once.
 */
function largeMails(runId: string, n: number, maxBytes: number): { mails: Mail.Options[]; rawBytes: number } {
  const head = (i: number) => Buffer.from([
    `From: =?UTF-8?Q?B=C3=BCy=C3=BCk_Dosya?= <buyuk${i}-${runId}@example.com.tr>`, `To: ${SUPPORT}`, `Subject: Rapor ${i}`,
    `Message-ID: <bench-${runId}-large-${i}@kanal.bench>`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="sinir"', '',
    '--sinir', 'Content-Type: text/plain; charset=utf-8', '', 'Raporu ekte gönderiyorum.', '',
    '--sinir', 'Content-Type: application/octet-stream; name="rapor.bin"', 'Content-Disposition: attachment; filename="rapor.bin"',
    'Content-Transfer-Encoding: base64', '', '',
  ].join('\r\n'));
  // base64 in lines of 76 + CRLF: 78 bytes per 57 attachment bytes; 4 KiB left for the headers and the end.
  const attachmentBytes = Math.floor((maxBytes - 4096) / 78) * 57;
  const body = Buffer.concat([Buffer.from(randomBytes(attachmentBytes).toString('base64').replace(/.{76}/g, '$&\r\n')), Buffer.from('\r\n--sinir--\r\n')]);
  const mails = Array.from({ length: n }, (_, i) => ({
    envelope: { from: `buyuk${i}-${runId}@example.com.tr`, to: [SUPPORT] },
    raw: Readable.from([head(i), body]),
  }));
  return { mails, rawBytes: head(0).length + body.length };
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
      { EMAIL_SMTP_PORT: String(smtpPort), EMAIL_SUPPORT_ADDRESSES: SUPPORT, EMAIL_TOKEN_SECRET: randomBytes(32).toString('hex'), EMAIL_MAX_BYTES: String(MAX_MB * 2 ** 20), EMAIL_LARGE_MAILS_AT_ONCE: String(LARGE_AT_ONCE) },
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

    // (c) LARGE_N maximal mails at once, each on its own connection; RSS sampled until every one is stored.
    transport.close();
    const large = largeMails(runId, LARGE_N, MAX_MB * 2 ** 20);
    const senders = large.mails.map(() => nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }));
    await sleep(1000);
    const beforeLarge = rssOf(pid);
    let peakLarge = beforeLarge;
    let samplesLarge = 0;
    const largeSampler = setInterval(() => { peakLarge = Math.max(peakLarge, rssOf(pid)); samplesLarge++; }, 10);
    const tl = performance.now();
    let refused = 0;
    let storedLarge = 0;
    try {
      const sent = await Promise.allSettled(large.mails.map((mail, i) => senders[i]!.sendMail(mail)));
      refused = sent.filter((r) => r.status === 'rejected').length;
      if (refused) log(`email: ${refused} large mails refused, first: ${(sent.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason}`);
      const largeStored = () => collectionsOf(m).Message.countDocuments({ channel: 'email', direction: 'in', subject: /^Rapor / });
      await waitUntil(async () => (storedLarge = await largeStored()) >= LARGE_N - refused, 120_000, 'the large mails stored', 100);
    } finally {
      clearInterval(largeSampler);
      for (const t of senders) t.close();
    }
    const allStoredMs = Math.round(performance.now() - tl);
    await sleep(1000);
    const boundMb = mb(2 * idleRss + MAX_MB * 2 ** 20);
    const concurrentLarge = {
      mails: LARGE_N, rawMailMb: mb(large.rawBytes), maxMailMb: MAX_MB, largeAtOnce: LARGE_AT_ONCE, idleRssMb: mb(idleRss), beforeRssMb: mb(beforeLarge),
      peakRssMb: mb(peakLarge), boundMb, withinBound: mb(peakLarge) <= boundMb, stored: storedLarge, refused, allStoredMs,
      afterRssMb: mb(rssOf(pid)), samples: samplesLarge,
    };
    log(`email: ${LARGE_N} mails of ${concurrentLarge.rawMailMb} MB at once: ${storedLarge} stored, ${refused} refused in ${allStoredMs} ms; hub RSS before ${concurrentLarge.beforeRssMb} MB, peak ${concurrentLarge.peakRssMb} MB (bound 2 x idle + ${MAX_MB} MB = ${boundMb} MB: ${concurrentLarge.withinBound ? 'within' : 'EXCEEDED'}), 1 s after ${concurrentLarge.afterRssMb} MB`);

    return {
      config: { n: N, connections: CONNECTIONS, senders: SENDERS, attachmentMb: ATTACHMENT_MB },
      smtp: {
        ingestRate, stored: count, floorRate: floor.rate, ratio: ingestRate == null ? null : round(ingestRate / floor.rate, 3),
        ingestMs: Math.round(ingestMs), floorMs: floor.ms, hubCpuMsPerMail: cpu.hub, storeCpuMsPerMail: cpu.store,
      },
      memory,
      concurrentLarge,
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
