import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';
import { setPresence } from '../services/routing/presence';
import { routingDeps } from '../services/routing/routing';
import { supervisorsChanged } from '../services/routing/supervisor-signal';
import { onEvent } from './socket-event';
import { announceViewers } from './viewers';
import { errorAck } from '../domain/errors';

const presenceSchema = z.object({ presence: z.enum(['online', 'away', 'offline'], { error: 'must be online, away or offline' }) });
const conversationRoom = /^conversation:([0-9a-f]{24})$/;

/** Conversation ids whose rooms this socket is in (the console joins the one it shows). */
const viewing = (socket: Socket) => [...socket.rooms].flatMap((r) => conversationRoom.exec(r)?.[1] ?? []);

/** Marks the agent as viewing a conversation (refreshed while the socket stays in its room). */
export async function trackViewer(deps: HubDeps, agentId: string, conversationId: string, viewing: boolean): Promise<void> {
  const { state, events } = routingDeps(deps);
  if (viewing) await state.view(conversationId, agentId, deps.config.ROUTING_VIEWER_TTL_MS);
  else await state.unview(conversationId, agentId);
  supervisorsChanged(events);
}

/**
 * `presence:set` (an agent sets only their own presence), offline when an agent's last socket on any node goes,
 * and the "viewing" marks of a socket: refreshed at a third of their TTL, removed when the socket leaves.
 */
export function registerPresenceHandlers(ns: Namespace, socket: Socket, deps: HubDeps): void {
  const agent = socket.data.agent as AgentView;
  const routing = routingDeps(deps);

  onEvent(socket, deps, 'presence:set', presenceSchema, async ({ presence }) => {
    const res = await setPresence(routing, agent.id, presence);
    return res ? { ok: true, ...res } : errorAck('not_found', 'agent not found');
  });

  const refresh = setInterval(() => {
    // Best effort: a refresh that fails (Redis away) is repeated on the next tick, well before the viewer mark expires.
    for (const id of viewing(socket)) void routing.state.view(id, agent.id, deps.config.ROUTING_VIEWER_TTL_MS).catch(() => undefined);
  }, Math.max(1000, Math.floor(deps.config.ROUTING_VIEWER_TTL_MS / 3)));
  refresh.unref();

  let left: string[] = [];
  socket.on('disconnecting', () => {
    left = viewing(socket);
  });
  socket.on('disconnect', (reason) => {
    clearInterval(refresh);
    // This node is stopping: its agents reconnect to another node; presence writes now would race the shutdown
    // (viewer marks expire by their TTL). See docs/routing.md.
    if (reason === 'server shutting down') return;
    void (async () => {
      // Another tab or node may still show the conversation or keep the agent connected: ask every node.
      for (const id of left) {
        const still = await ns.in(Rooms.conversation(id)).fetchSockets();
        if (!still.some((s) => (s.data.agent as AgentView | undefined)?.id === agent.id)) await trackViewer(deps, agent.id, id, false);
        await announceViewers(ns, deps, id);
      }
      const mine = await ns.in(Rooms.agent(agent.id)).fetchSockets();
      if (mine.length === 0) await setPresence(routing, agent.id, 'offline');
    })().catch((err: unknown) => deps.logger.warn({ err, agentId: agent.id }, 'presence on disconnect failed'));
  });
}
