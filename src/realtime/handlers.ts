import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';
import { agentTypingToVisitor } from '../services/conversations/threads';
import { trackViewer } from './presence';
import { onEvent as on } from './socket-event';

const conversationId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'conversationId must be a 24-character hex id');
const joinSchema = z.object({ conversationId });
const typingSchema = z.object({ conversationId, typing: z.boolean() });

export function registerAgentHandlers(socket: Socket, deps: HubDeps): void {
  const agent = socket.data.agent as AgentView;

  on(socket, deps, 'conversation:join', joinSchema, async ({ conversationId: id }) => {
    if (!(await deps.models.conversations.exists(id))) return { error: 'conversation not found' };
    await socket.join(Rooms.conversation(id));
    await trackViewer(deps, agent.id, id, true);
    return { ok: true };
  });

  on(socket, deps, 'conversation:leave', joinSchema, async ({ conversationId: id }) => {
    await socket.leave(Rooms.conversation(id));
    await trackViewer(deps, agent.id, id, false);
    return { ok: true };
  });

  on(socket, deps, 'typing', typingSchema, async ({ conversationId: id, typing }) => {
    const conversation = await deps.models.conversations.byId(id);
    if (!conversation) return { error: 'conversation not found' };
    deps.events.typing(id, { from: 'agent', typing, agentId: agent.id, agentName: agent.name });
    // Only web chat has a live customer to show "agent is typing" to.
    if (conversation.lastInboundChannel === 'webchat') await agentTypingToVisitor(deps.models, deps.events, conversation.customerId, { typing, agentName: agent.name });
    return { ok: true };
  });
}
