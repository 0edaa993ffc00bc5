// The flooding visitor of bench/flood.ts, in a process of its own: history pages (FLOOD_HISTORY_WINDOW in flight),
// typing toggles as fast as its socket drains, and session creation (FLOOD_SESSION_LOOPS loops, half renewing its
// token, half anonymous), all from FLOOD_ADDRESS. A socket the hub closes (it floods past its limits) is replaced at
// once, as a determined client would. Prints `ready`, floods until a line arrives on stdin, then prints its counts as
// one JSON line and exits.
// Its CPU is bounded (FLOOD_CPU_SHARE of one core, default 0.25): the bench runs on the hub's own two cores, and a
// flooder that takes a whole core measures the machine, not the hub. A real flooder's cores are elsewhere; what it
// costs the hub per request is what counts, and the bench reports it (hub CPU per flood request).
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

export interface FloodCounts {
  historyAnswered: number;
  historyLimited: number;
  historyFailed: number;
  sessions200: number;
  sessions429: number;
  sessionsOther: number;
  typingSent: number;
  /** Sockets opened: the first, and each one replacing a socket the hub closed for flooding. */
  reconnects: number;
  /** Connection attempts the hub refused (over the connect budget), each retried at once. */
  connectsRefused: number;
  /** Closed sockets that were told why first (the `rate:limited` event with `closing`). */
  closeNotices: number;
  /** Time the loops were paused to keep the flooder's CPU within FLOOD_CPU_SHARE. */
  throttledMs: number;
}

const TIMEOUT_MS = 15_000;

async function main() {
  const url = process.env.FLOOD_URL!;
  const token = process.env.FLOOD_TOKEN!;
  const address = process.env.FLOOD_ADDRESS!;
  const f: FloodCounts = { historyAnswered: 0, historyLimited: 0, historyFailed: 0, sessions200: 0, sessions429: 0, sessionsOther: 0, typingSent: 0, reconnects: 0, connectsRefused: 0, closeNotices: 0, throttledMs: 0 };
  const open = () => new Promise<Socket>((resolve, reject) => {
    const s = io(`${url}/widget`, { auth: { token }, extraHeaders: { 'x-forwarded-for': address }, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => { f.connectsRefused++; s.close(); reject(err); });
    s.on('rate:limited', (p: { closing?: boolean }) => { if (p?.closing) f.closeNotices++; });
  });
  // Opened by the first loop that needs it (the hub may refuse it: the connect budget is spent by an earlier run).
  let socket = { connected: false } as Socket;
  let stopped = false;
  // FLOOD_ONLY=session|history|typing|connect floods that one way only (burn: no requests, CPU only) and stops by itself after FLOOD_COUNT
  // requests (the bench's per-request cost figures).
  const only = process.env.FLOOD_ONLY;
  const count = Number(process.env.FLOOD_COUNT ?? Infinity);
  let requests = 0;
  let finish = () => {};
  const finished = new Promise<void>((r) => { finish = r; });
  const counted = () => { if (++requests >= count) { stopped = true; finish(); } };
  // CPU budget: every loop awaits `budget()` once per request; past the share of one core since the last check, all
  // of them wait until the average is back under it.
  const share = Math.min(1, Math.max(0.01, Number(process.env.FLOOD_CPU_SHARE ?? 0.25)));
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  let pause: Promise<void> | null = null;
  const budget = async () => {
    if (pause) return pause;
    const { user, system } = process.cpuUsage(startCpu);
    const overMs = (user + system) / 1000 / share - (performance.now() - startWall);
    if (overMs <= 1) return;
    f.throttledMs += overMs;
    pause = new Promise<void>((r) => setTimeout(r, overMs)).finally(() => { pause = null; });
    return pause;
  };
  // One replacement at a time; every loop waits for it (nothing is buffered for a closed socket).
  let replacing: Promise<void> | null = null;
  const connected = async () => {
    while (!socket.connected && !stopped) {
      await budget();
      replacing ??= open().then((s) => { socket = s; f.reconnects++; }, () => {}).finally(() => { replacing = null; counted(); });
      await replacing;
    }
  };
  const history = async () => {
    while (!stopped) {
      await connected();
      if (!socket.connected) continue;
      await budget();
      try {
        const ack = (await socket.timeout(TIMEOUT_MS).emitWithAck('history', { limit: 50 })) as { messages?: unknown[]; code?: string };
        if (ack.messages) f.historyAnswered++;
        else if (ack.code === 'rate_limited') f.historyLimited++;
        else f.historyFailed++;
      } catch {
        f.historyFailed++;
      }
      counted();
    }
  };
  const typing = async () => {
    while (!stopped) {
      await connected();
      if (!socket.connected) continue; // stopped while the hub still refused every connection
      await budget();
      for (let i = 0; i < 100 && socket.connected && !stopped; i++) {
        socket.emit('typing', { typing: f.typingSent++ % 2 === 0 });
        counted();
      }
      // As fast as the socket drains, without buffering without bound here.
      const engine = socket.io.engine as unknown as { writeBuffer?: unknown[]; transport?: { ws?: { bufferedAmount?: number } } };
      const backlog = (engine.writeBuffer?.length ?? 0) > 1000 || Number(engine.transport?.ws?.bufferedAmount ?? 0) > 1 << 20;
      await new Promise((r) => (backlog ? setTimeout(r, 5) : setImmediate(r)));
    }
  };
  const sessions = async (k: number) => {
    while (!stopped) {
      await budget();
      try {
        const res = await fetch(`${url}/api/widget/session`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify(k % 2 ? { token } : {}), signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer();
        if (res.status === 200) f.sessions200++;
        else if (res.status === 429) f.sessions429++;
        else f.sessionsOther++;
      } catch {
        f.sessionsOther++;
      }
      counted();
    }
  };
  /** Reconnects only: each socket is closed as soon as it is open, and the next attempt follows at once. */
  const reconnects = async () => {
    while (!stopped) {
      await connected();
      if (socket.connected) socket.close(); // none when the last attempts were refused and the count ran out
    }
  };
  /** The control (FLOOD_ONLY=burn): the flooder's CPU without a single request, to tell the machine from the hub. */
  const burn = async () => {
    while (!stopped) {
      const t = performance.now();
      while (performance.now() - t < 5);
      await budget();
      await new Promise((r) => setImmediate(r));
    }
  };
  const loops = [
    ...(only === 'burn' ? [burn()] : []),
    ...(!only || only === 'history' ? Array.from({ length: Number(process.env.FLOOD_HISTORY_WINDOW ?? 64) }, history) : []),
    ...(!only || only === 'typing' ? [typing()] : []),
    ...(!only || only === 'session' ? Array.from({ length: Number(process.env.FLOOD_SESSION_LOOPS ?? 16) }, (_, k) => sessions(k)) : []),
    ...(only === 'connect' ? [reconnects()] : []),
  ];
  console.log('ready');
  // A line, or stdin closing (the bench process is gone), ends the flood; with FLOOD_COUNT also its last request.
  await Promise.race([finished, new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()).once('close', () => resolve()))]);
  stopped = true;
  await Promise.all(loops);
  socket.close?.();
  f.throttledMs = Math.round(f.throttledMs);
  console.log(JSON.stringify(f));
}

main().then(() => process.exit(0), (err) => { console.error('[flooder]', err); process.exit(1); });
