import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { AgentEvents, Namespaces, Rooms, WidgetEvents } from '../domain/events';
import type { ConversationView, MessageView } from '../domain/views';

/** What agents who do not have the conversation open receive of a message (see EventPublisher.message). */
export function messageSummary(view: MessageView): MessageView {
  const { html: _html, email, ...rest } = view;
  return { ...rest, text: view.text.slice(0, SUMMARY_CHARS), summary: true, ...(email?.autoSubmitted ? { email: { autoSubmitted: true } } : {}) };
}
const SUMMARY_CHARS = 300;

/**
 * Publishes realtime events through Redis, so a worker process or any hub node can reach sockets connected to any
 * other hub node (the Socket.IO Redis adapter on each node delivers them).
 */
export class EventPublisher {
  private readonly agents;
  private readonly widget;

  constructor(private readonly redis: Redis, key = 'socket.io') {
    const emitter = new Emitter(redis, { key });
    this.agents = emitter.of(Namespaces.agents);
    this.widget = emitter.of(Namespaces.widget);
  }

  conversation(view: ConversationView, created = false): void {
    const rooms = [Rooms.inbox, Rooms.conversation(view.id)];
    if (view.assigneeId) rooms.push(Rooms.agent(view.assigneeId));
    if (view.teamId) rooms.push(Rooms.team(view.teamId));
    this.agents.to(rooms).emit(created ? AgentEvents.conversationCreated : AgentEvents.conversationUpdated, view);
  }

  /**
   * The whole message goes to whoever has its conversation open (and its assignee); every other agent gets its
   * summary (no HTML, no quoted history, text cut to a preview: what a notification or list row shows), so one long
   * email is not copied to every console of the team.
   */
  message(view: MessageView, conversation: ConversationView, updated = false): void {
    const event = updated ? AgentEvents.messageUpdated : AgentEvents.messageCreated;
    const full = [Rooms.conversation(view.conversationId)];
    if (conversation.assigneeId) full.push(Rooms.agent(conversation.assigneeId));
    this.agents.to(full).emit(event, view);
    this.agents.to(Rooms.inbox).except(full).emit(event, messageSummary(view));
  }

  typing(conversationId: string, payload: { from: 'customer' | 'agent'; typing: boolean; agentId?: string; agentName?: string }): void {
    this.agents.to(Rooms.conversation(conversationId)).emit(AgentEvents.typing, { conversationId, ...payload });
  }

  /** Admin-only events (a WhatsApp session's pairing QR must not reach other agents). */
  toAdmins(event: (typeof AgentEvents)[keyof typeof AgentEvents], payload: unknown): void {
    this.agents.to(Rooms.admins).emit(event, payload);
  }

  /** False once the Redis connection is closing or closed (deferred publishers skip then; see supervisor-signal.ts). */
  get open(): boolean {
    return this.redis.status === 'ready';
  }

  /** Any agents' room (presence to the inbox, wallboard signals to supervisors). */
  toRoom(room: string, event: (typeof AgentEvents)[keyof typeof AgentEvents], payload?: unknown): void {
    // A throttled signal (supervisor-signal.ts) may fire after the process closed Redis: publishing then would be
    // an unhandled "Connection is closed" rejection.
    if (this.redis.status === 'end') return;
    this.agents.to(room).emit(event, payload);
  }

  /** Supervisors (and admins), plus the agent the conversation is assigned to (SLA breaches). */
  toSupervisors(event: (typeof AgentEvents)[keyof typeof AgentEvents], payload: unknown, assigneeId?: string | null): void {
    this.agents.to([Rooms.supervisors, ...(assigneeId ? [Rooms.agent(assigneeId)] : [])]).emit(event, payload);
  }

  /** Web chat visitors see agent replies and the delivery state of their own messages; never private notes. */
  toVisitor(visitorId: string, event: (typeof WidgetEvents)[keyof typeof WidgetEvents], payload: unknown): void {
    this.widget.to(Rooms.visitor(visitorId)).emit(event, payload);
  }
}
