import { io as connect, type Socket } from 'socket.io-client';
import { connected } from '../../tests/helpers/sockets';
import type { ConformanceKit } from '../conformance-kit';

// Visitors as the widget is one: a session over HTTP, then the /widget socket; replies arrive on that socket.
const sockets: Socket[] = [];
const received = new Map<string, string>();

async function visitor(hubUrl: string): Promise<{ visitorId: string; socket: Socket }> {
  const res = await fetch(`${hubUrl}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ziyaretçi' }) });
  const { token, visitorId } = (await res.json()) as { token: string; visitorId: string };
  const socket = connect(`${hubUrl}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  socket.on('message', (m: { direction: string; text: string }) => { if (m.direction === 'out') received.set(visitorId, m.text); });
  await connected(socket);
  return { visitorId, socket };
}

export const kit: ConformanceKit = {
  start: async () => ({}), // the hub's own widget namespace; nothing to stand in for
  async stop() {
    for (const s of sockets) s.close();
  },
  async receive(hubUrl, n) {
    const { visitorId, socket } = await visitor(hubUrl);
    const text = `Canlı sohbetten merhaba ${n}`;
    const ack = (await socket.timeout(5000).emitWithAck('message:send', { clientId: `conformance-${n}`, text })) as { ok?: true; error?: string };
    if (!ack.ok) throw new Error(`ack: ${ack.error}`);
    return { address: visitorId, text };
  },
  async refuse(hubUrl) {
    const { socket } = await visitor(hubUrl);
    const ack = (await socket.timeout(5000).emitWithAck('message:send', { clientId: 'x', text: '' })) as { ok?: true; error?: string };
    return { refused: !ack.ok && Boolean(ack.error), detail: ack.error ?? JSON.stringify(ack) };
  },
  delivered: (address) => received.get(address),
};
