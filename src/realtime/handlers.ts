import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import { channelDescriptor } from '../domain/channels';
import { Rooms } from '../domain/events';
import type { AgentView } from '../services/agents/agents';
import { agentTypingToVisitor } from '../services/conversations/threads';
import { markCustomerMessagesRead } from '../services/visitor/visitor-receipts';
import { conversationFor } from './access';
import { trackViewer } from './presence';
import { announceViewers } from './viewers';
import { onEvent as on } from './socket-event';
import { errorAck } from '../domain/errors';

const conversationId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'conversationId must be a 24-character hex id');
const joinSchema = z.object({ conversationId });
// `note`: typing a private note, which other agents see but the customer never does.
const typingSchema = z.object({ conversationId, typing: z.boolean(), note: z.boolean().optional() });

export function registerAgentHandlers(socket: Socket, deps: HubDeps): void {
  const agent = socket.data.agent as AgentView;

  // A conversation the agent may not see answers like one that does not exist (src/services/access).
  on(socket, deps, 'conversation:join', joinSchema, async ({ conversationId: id }) => {
    if (!(await conversationFor(socket, deps, id))) return errorAck('not_found', 'conversation not found');
    await socket.join(Rooms.conversation(id));
    await trackViewer(deps, agent.id, id, true);
    await announceViewers(socket.nsp, deps, id);
    // The agent now sees the thread: a web chat visitor's messages show "read" in their widget (after the ack: the
    // console need not wait for it).
    void markCustomerMessagesRead(deps.models, deps.events, id).catch((err: unknown) => deps.logger.warn({ err, conversationId: id }, 'read receipts not recorded'));
    return { ok: true };
  });

  // The console has the thread open and visible while new customer messages arrive (it sends this for them).
  on(socket, deps, 'conversation:read', joinSchema, async ({ conversationId: id }) => {
    if (!(await conversationFor(socket, deps, id))) return errorAck('not_found', 'conversation not found');
    const read = await markCustomerMessagesRead(deps.models, deps.events, id);
    return { ok: true, read: read.length };
  });

  on(socket, deps, 'conversation:leave', joinSchema, async ({ conversationId: id }) => {
    await socket.leave(Rooms.conversation(id));
    await trackViewer(deps, agent.id, id, false);
    await announceViewers(socket.nsp, deps, id);
    return { ok: true };
  });

  on(socket, deps, 'typing', typingSchema, async ({ conversationId: id, typing, note }) => {
    const conversation = await conversationFor(socket, deps, id);
    if (!conversation) return errorAck('not_found', 'conversation not found');
    deps.events.typing(id, { from: 'agent', typing, agentId: agent.id, agentName: agent.name });
    // Only a channel with a live customer session (web chat) can show "agent is typing".
    const channel = conversation.lastInboundChannel;
    if (!note && channel && channelDescriptor(channel).liveTyping) await agentTypingToVisitor(deps.models, deps.events, channel, conversation.customerId, { typing, agentName: agent.name });
    return { ok: true };
  });
}
