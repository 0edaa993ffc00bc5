import { KanalError } from '../../domain/errors';
import { AgentEvents, Rooms } from '../../domain/events';
import type { Models } from '../../store';
import { canSeeConversation } from '../access/visibility';
import { teamAccessMode } from '../access/team-access';
import { findActiveAgent, type AgentView } from '../agents/agents';
import type { EventPublisher } from '../events';
import type { StoredMessage } from '../../store/messages';
import { preview } from './views';
import { notify } from '../notifications/notifications';

/** The most agents one note may @mention. */
export const MAX_MENTIONS = 20;

/** The agents a note @mentions, each once; a 400 before anything is stored when one is not an active (human) agent. */
export async function mentionedAgents(m: Models, ids: readonly string[]): Promise<AgentView[]> {
  const unique = [...new Set(ids)];
  const agents = await Promise.all(unique.map((id) => findActiveAgent(m, id)));
  const unknown = unique.filter((_, i) => !agents[i] || agents[i].bot);
  if (unknown.length) throw new KanalError('invalid_input', 'mentions must be active agents', { details: { unknown } });
  return agents as AgentView[];
}

/**
 * Tells each mentioned agent (their room: every tab, every node) that a note names them. Not the author, and not an
 * agent who may not see the conversation (team access): they must not learn of it, so they are skipped.
 */
export async function notifyMentions(m: Models, events: EventPublisher, note: StoredMessage, agents: readonly AgentView[], from: { id: string; name: string }): Promise<void> {
  if (!agents.length) return;
  const [conversation, mode] = await Promise.all([m.conversations.byId(String(note.conversationId)), teamAccessMode(m)]);
  if (!conversation) return;
  const payload = { conversationId: String(note.conversationId), messageId: String(note._id), from, preview: preview(note.text ?? '') };
  for (const agent of agents) {
    if (agent.id === from.id || !canSeeConversation(agent, conversation, mode)) continue;
    events.toRoom(Rooms.agent(agent.id), AgentEvents.noteMention, payload);
    // Kept for the bell too: an agent who is offline now finds it later.
    await notify(m, events, {
      key: `mention|${payload.messageId}|${agent.id}`, agentId: agent.id, kind: 'mention', conversationId: payload.conversationId,
      messageId: payload.messageId, from, customerId: conversation.customerId, at: note.createdAt,
    });
  }
}
