import type { Namespace } from 'socket.io';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';

/** A thread header names this many viewers at most; the rest is a count ("and 3 others"). */
export const VIEWERS_SHOWN = 10;

/**
 * Tells a conversation's room who has it open now, after someone opened or left it. The sockets in the room (on
 * every hub node) are the truth; one agent with two tabs counts once. Event-driven: nothing polls.
 */
export async function announceViewers(ns: Namespace, deps: HubDeps, conversationId: string): Promise<void> {
  const sockets = await ns.in(Rooms.conversation(conversationId)).fetchSockets();
  const byId = new Map<string, string>();
  for (const s of sockets) {
    const agent = s.data.agent as AgentView | undefined;
    if (agent) byId.set(agent.id, agent.name);
  }
  const viewers = [...byId].slice(0, VIEWERS_SHOWN).map(([id, name]) => ({ id, name }));
  deps.events.viewers(conversationId, { viewers, total: byId.size });
}
