import type { Socket } from 'socket.io';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { HubDeps } from '../deps';
import { Rooms, WidgetEvents } from '../domain/events';
import type { AgentView } from '../services/agents';
import { trackViewer } from './presence';

type Ack = (res: unknown) => void;

const conversationId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'conversationId must be a 24-character hex id');
const joinSchema = z.object({ conversationId });
const typingSchema = z.object({ conversationId, typing: z.boolean() });

/**
 * Registers a client event whose payload is validated; bad input and failures are acked as `{error}` and never
 * thrown (a throwing listener would be an unhandled rejection in the process).
 */
function on<S extends z.ZodType>(socket: Socket, deps: Pick<HubDeps, 'logger'>, event: string, schema: S, run: (input: z.output<S>) => Promise<unknown>) {
  socket.on(event, (payload: unknown, maybeAck?: unknown) => {
    const ack: Ack = typeof maybeAck === 'function' ? (maybeAck as Ack) : () => {};
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return ack({ error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') });
    run(parsed.data).then(
      (res) => ack(res ?? { ok: true }),
      (err: unknown) => {
        deps.logger.error({ err, event }, 'agent socket handler failed');
        ack({ error: 'internal error' });
      },
    );
  });
}

export function registerAgentHandlers(socket: Socket, deps: HubDeps): void {
  const agent = socket.data.agent as AgentView;

  on(socket, deps, 'conversation:join', joinSchema, async ({ conversationId: id }) => {
    if (!(await deps.models.Conversation.exists({ _id: new Types.ObjectId(id) }))) return { error: 'conversation not found' };
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
    const conversation = await deps.models.Conversation.findById(id, { customerId: 1, lastInboundChannel: 1 }).lean();
    if (!conversation) return { error: 'conversation not found' };
    deps.events.typing(id, { from: 'agent', typing, agentId: agent.id, agentName: agent.name });
    // Only web chat has a live customer to show "agent is typing" to.
    if (conversation.lastInboundChannel === 'webchat') {
      const identity = await deps.models.Identity.findOne({ customerId: conversation.customerId, kind: 'webchat' }, { address: 1 }).lean();
      if (identity) deps.events.toVisitor(identity.address, WidgetEvents.agentTyping, { typing, agentName: agent.name });
    }
    return { ok: true };
  });
}
