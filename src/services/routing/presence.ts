import { Types } from 'mongoose';
import { AgentEvents, Rooms } from '../../domain/events';
import { recordEvent } from '../conversations/replies';
import { writeRequeue } from '../conversations/conversations';
import { afterConversationChange, requestDrain, type RoutingDeps } from './routing';
import { supervisorsChanged } from './supervisor-signal';
import { toConversationView, toMessageView } from '../conversations/views';

export type Presence = 'online' | 'away' | 'offline';


/**
 * Sets an agent's presence (no-op if unchanged): stored (the agent's presence document, with `presenceSince`), broadcast to the inbox.
 * Online: the agent's teams' queues drain. Offline: a delayed job re-queues their open conversations if they are
 * still offline when the grace period ends (the job id names this offline spell, so repeats are no-ops).
 */
export async function setPresence(d: RoutingDeps, agentId: string, presence: Presence): Promise<{ presence: Presence; since: string } | null> {
  const since = new Date();
  // A conditional write: it alone decides who changed the presence.
  const changed = await d.models.agents.setPresence(agentId, presence, since);
  const teams = changed ? await d.models.agents.teamIdsOf(agentId) : null;
  if (!teams) {
    const current = await d.models.agents.byId(agentId);
    return current ? { presence: current.presence as Presence, since: (current.presenceSince ?? since).toISOString() } : null;
  }
  d.events?.toRoom(Rooms.agents, AgentEvents.agentPresence, { agentId, presence, since: since.toISOString() });
  supervisorsChanged(d.events);
  const teamIds = teams.map(String);
  if (presence === 'online') await requestDrain(d.queue, teamIds);
  if (presence === 'offline') {
    await d.queue.add('offline', { kind: 'offline', agentId, since: since.getTime() }, { delay: d.offlineGraceMs, jobId: `offline_${agentId}_${since.getTime()}` });
  }
  return { presence, since: since.toISOString() };
}

/**
 * The grace period of an offline spell ended: if the agent has stayed offline since, each of their open
 * conversations is unassigned (conditionally: only if still theirs), the decision recorded, and routed again.
 */
export async function requeueOfflineAgent(d: RoutingDeps, agentId: string, since: number): Promise<number> {
  const agent = await d.models.agents.byId(agentId);
  if (!agent || agent.presence !== 'offline' || (agent.presenceSince && agent.presenceSince.getTime() !== since)) return 0;
  const agentOid = new Types.ObjectId(agentId);
  const open = await d.models.conversations.assignedTo(agentOid, 'open');
  let moved = 0;
  for (const { _id } of open) {
    const c = await writeRequeue(d.models, _id, agentOid);
    if (!c) continue;
    moved++;
    const event = await recordEvent(d.models, c, { type: 'requeued', agent: agent.name, offlineMs: d.offlineGraceMs });
    if (d.events) {
      const view = toConversationView(c);
      d.events.conversation(view);
      d.events.message(toMessageView(event), view);
    }
    await afterConversationChange(d, String(_id));
  }
  return moved;
}
