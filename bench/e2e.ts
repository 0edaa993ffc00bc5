import { io, type Socket } from 'socket.io-client';
import { benchText, now, percentile, pool, round, sleep } from './lib';

export interface E2EOpts {
  url: string;
  runId: string;
  sockets: number;
  n: number;
  /** Max messages sent but not yet received by the agent (max-rate phase): bounds the queue backlog. */
  window: number;
  /** No new max-rate sends after this many seconds (bounds the run when the hub is slow). */
  maxSeconds: number;
  latencySeconds: number;
  /** The hub's per-visitor send budget (WIDGET_RATE_SEND: 20 messages / 10 s); the bench stays under it per socket. */
  visitorLimit: { messages: number; windowMs: number };
  agent: { email: string; password: string };
  /**
   * Counts this run's inbound web chat messages in the store. `dedupeKeys`: the keys the max-rate messages were
   * ingested under (`webchat:<visitor id>:<client id>`), for a count by `_id` that reads no other message.
   */
  countStored(dedupeKeys: string[]): Promise<number>;
  /** Called with the dedupeKey of every message sent (warm-up, max rate and latency), e.g. to remove them later. */
  onSent?(dedupeKey: string): void;
  /** CPU ms so far of the processes involved (hub, bench, store), to split the max-rate phase's CPU per message. */
  cpu(): Record<string, number | null>;
  /** Upper bound for waiting on deliveries in one phase. */
  phaseTimeoutMs: number;
  log(msg: string): void;
}

export interface E2EResult {
  maxRate: number;
  /** Messages sent in the max-rate phase (nTarget unless maxSeconds cut it short). */
  n: number;
  nTarget: number;
  sent: number;
  ackErrors: number;
  firstAckError?: string;
  received: number;
  stored: number;
  maxRateMs: number;
  /** Time senders waited for a socket under the per-visitor limit (non-zero: BENCH_SOCKETS limits the rate). */
  limiterWaitMs: number;
  /** CPU ms per delivered message in the max-rate phase, by process (2 cores = 2000 CPU ms per wall second). */
  cpuMsPerMessage: Record<string, number | null>;
  /** Mean time from emit to ack (the ingress: validate + enqueue), ms. */
  meanAckMs: number;
  warmupMs: number;
  latency: { offeredRate: number; achievedRate: number; p50: number; p95: number; p99: number; max: number; samples: number; lost: number };
}

async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

function connect(url: string, token: string, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
    const t = setTimeout(() => { s.close(); reject(new Error(`socket ${url} did not connect in ${timeoutMs} ms`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('connect_error', (err) => { clearTimeout(t); s.close(); reject(new Error(`socket ${url}: ${err.message}`)); });
  });
}

/** Send marker: `bench#<id>#<send time, ms on this process' performance clock>#<Turkish text>`. */
const MARK = /^bench#([^#]+)#([0-9.]+)#/;

export async function runE2E(o: E2EOpts): Promise<E2EResult> {
  const sockets: Socket[] = [];
  const receipts = new Map<string, number>(); // id -> latency ms
  const waiters = new Map<string, () => void>();
  let lastReceipt = 0;
  const closeAll = () => { for (const s of sockets) s.close(); };
  try {
    // --- agent
    const { token: agentToken } = await postJson<{ token: string }>(`${o.url}/api/auth/login`, o.agent);
    const agent = await connect(`${o.url}/agents`, agentToken);
    sockets.push(agent);
    agent.on('message.created', (view: { text?: string; direction?: string }) => {
      const t = now();
      if (view?.direction !== 'in' || typeof view.text !== 'string') return;
      const m = MARK.exec(view.text);
      if (!m || receipts.has(m[1]!)) return;
      receipts.set(m[1]!, t - Number(m[2]));
      lastReceipt = t;
      waiters.get(m[1]!)?.();
      waiters.delete(m[1]!);
    });

    // --- visitors
    const widgets: Socket[] = [];
    const sessions = await (async () => {
      const out: Array<{ token: string; visitorId: string }> = [];
      const r = await pool(o.sockets, 8, async (i) => { out[i] = await postJson(`${o.url}/api/widget/session`, {}); });
      if (r.errors) throw r.firstError;
      return out;
    })();
    const r = await pool(o.sockets, 8, async (i) => { widgets[i] = await connect(`${o.url}/widget`, sessions[i]!.token); });
    sockets.push(...widgets.filter(Boolean));
    if (r.errors) throw r.firstError;

    // Client-side pacing per socket, so the hub's per-visitor rate limit never answers an error: the next socket
    // with budget left sends; when none has any, the sender waits (counted in limiterWaitMs).
    const recent: number[][] = widgets.map(() => []);
    let rr = 0;
    let limiterWaitMs = 0;
    const pickSocket = async (): Promise<number> => {
      for (;;) {
        const t = Date.now();
        let soonest = Infinity;
        for (let k = 0; k < widgets.length; k++) {
          const i = (rr + k) % widgets.length;
          const r = recent[i]!;
          while (r.length && t - r[0]! >= o.visitorLimit.windowMs) r.shift();
          if (r.length < o.visitorLimit.messages) {
            rr = i + 1;
            r.push(t);
            return i;
          }
          soonest = Math.min(soonest, r[0]! + o.visitorLimit.windowMs - t);
        }
        const w = Math.max(1, soonest);
        limiterWaitMs += w;
        await sleep(w);
      }
    };
    let ackErrors = 0;
    let firstAckError: string | undefined;
    let sent = 0;
    /** Resolves when the agent received `id`, or after `ms` (the slot is freed either way). */
    const receipt = (id: string, ms: number) =>
      receipts.has(id)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const t = setTimeout(() => { waiters.delete(id); resolve(); }, ms);
            waiters.set(id, () => { clearTimeout(t); resolve(); });
          });
    const dedupeKeys = new Map<string, string>();
    const send = async (id: string, i: number): Promise<boolean> => {
      const k = await pickSocket();
      const s = widgets[k]!;
      dedupeKeys.set(id, `webchat:${sessions[k]!.visitorId}:${o.runId}-${id}`);
      o.onSent?.(dedupeKeys.get(id)!);
      const text = benchText(`${id}#${now().toFixed(3)}`, i);
      sent++;
      let ack: { ok?: boolean; error?: unknown };
      try {
        ack = await s.timeout(15_000).emitWithAck('message:send', { clientId: `${o.runId}-${id}`, text });
      } catch (err) {
        ack = { error: (err as Error).message };
      }
      if (!ack?.ok) {
        ackErrors++;
        firstAckError ??= JSON.stringify(ack?.error ?? ack).slice(0, 200);
        return false;
      }
      return true;
    };
    /** Waits until every id in `ids` was received, or nothing new arrived for `idleMs`, or the phase timeout. */
    const awaitReceipts = async (ids: string[], idleMs = 15_000) => {
      const until = Date.now() + o.phaseTimeoutMs;
      let seen = -1;
      let since = Date.now();
      for (;;) {
        const got = ids.reduce((a, id) => a + (receipts.has(id) ? 1 : 0), 0);
        if (got >= ids.length) return got;
        if (got !== seen) { seen = got; since = Date.now(); }
        if (Date.now() - since > idleMs || Date.now() > until) return got;
        await sleep(20);
      }
    };

    // --- warm-up: every visitor's first message (creates its customer, identity and conversation)
    const tw = now();
    const warmIds = widgets.map((_, i) => `w${i}`);
    await Promise.all(warmIds.map((id, i) => send(id, i)));
    const warmGot = await awaitReceipts(warmIds);
    const warmupMs = now() - tw;
    o.log(`warm-up: ${warmGot}/${warmIds.length} first messages in ${Math.round(warmupMs)} ms`);
    if (warmGot === 0) throw new Error(`no message.created reached the agent during warm-up (ack errors: ${ackErrors}, first: ${firstAckError})`);

    // --- (1) max rate: up to N messages as fast as acks and deliveries allow, at most `window` of them between send
    // and agent receipt, no new sends after maxSeconds.
    const errorsBefore = ackErrors;
    const cpu0 = o.cpu();
    const t0 = now();
    const stopAt = t0 + o.maxSeconds * 1000;
    let issued = 0;
    let ackMs = 0;
    await pool(o.n, o.window, async () => {
      if (now() > stopAt) return;
      const i = issued++;
      const ta = now();
      const ok = await send(`m${i}`, i);
      ackMs += now() - ta;
      if (ok) await receipt(`m${i}`, 30_000);
    });
    const maxIds = Array.from({ length: issued }, (_, i) => `m${i}`);
    const received = await awaitReceipts(maxIds, 5_000);
    const cpu1 = o.cpu();
    const cpuMsPerMessage: Record<string, number | null> = {};
    for (const k of Object.keys(cpu1)) {
      const a = cpu0[k], b = cpu1[k];
      cpuMsPerMessage[k] = a == null || b == null || !received ? null : round((b - a) / received, 2);
    }
    const maxRateMs = lastReceipt - t0;
    const maxRate = (received / maxRateMs) * 1000;
    const stored = await o.countStored(maxIds.map((id) => dedupeKeys.get(id)).filter((k): k is string => k !== undefined));
    o.log(`max rate: ${received}/${issued} received in ${Math.round(maxRateMs)} ms -> ${maxRate.toFixed(1)} msg/s (mean ack ${(ackMs / Math.max(1, issued)).toFixed(1)} ms, ack errors ${ackErrors - errorsBefore}); stored ${stored}; CPU ms/message ${JSON.stringify(cpuMsPerMessage)}`);

    // --- (2) latency at a fixed offered rate (open loop: sends are scheduled, not gated by acks)
    const offered = Math.max(1, maxRate * 0.5);
    const total = Math.max(1, Math.round(offered * o.latencySeconds));
    const latIds = Array.from({ length: total }, (_, i) => `l${i}`);
    const inflight: Promise<boolean>[] = [];
    const tl = now();
    let k = 0;
    while (k < total) {
      const due = Math.min(total, Math.floor(((now() - tl) / 1000) * offered) + 1);
      while (k < due) { inflight.push(send(latIds[k]!, k)); k++; }
      await sleep(2);
    }
    const sendMs = now() - tl;
    await Promise.all(inflight);
    await awaitReceipts(latIds);
    const lat = latIds.map((id) => receipts.get(id)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    const latency = {
      offeredRate: round(offered, 1)!,
      achievedRate: round((total / sendMs) * 1000, 1)!,
      p50: round(percentile(lat, 50), 1)!,
      p95: round(percentile(lat, 95), 1)!,
      p99: round(percentile(lat, 99), 1)!,
      max: round(lat[lat.length - 1] ?? NaN, 1)!,
      samples: lat.length,
      lost: total - lat.length,
    };
    o.log(`latency @ ${latency.offeredRate}/s: p50 ${latency.p50} p95 ${latency.p95} p99 ${latency.p99} ms (${lat.length}/${total})`);

    return {
      limiterWaitMs: Math.round(limiterWaitMs),
      cpuMsPerMessage,
      maxRate: round(maxRate, 1)!, n: issued, nTarget: o.n, sent, ackErrors, firstAckError, received, stored: stored,
      maxRateMs: round(maxRateMs, 0)!, meanAckMs: round(ackMs / Math.max(1, issued), 1)!, warmupMs: round(warmupMs, 0)!, latency,
    };
  } finally {
    closeAll();
  }
}
