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
 * The rooms whose agents may see a conversation (src/services/access visibility rule): those who see everything, its
 * assignee, and its team's members or, with neither team nor assignee, everyone's "no team" queue.
 */
export function roomsSeeing(c: { assigneeId?: string | null; teamId?: string | null }): string[] {
  const rooms: string[] = [Rooms.inbox];
  if (c.assigneeId) rooms.push(Rooms.agent(c.assigneeId));
  if (c.teamId) rooms.push(Rooms.team(c.teamId));
  else if (!c.assigneeId) rooms.push(Rooms.queue);
  return rooms;
}

/** Server-side event between hub nodes: re-decide sockets' rooms (payload: an agent id, or null for every agent). */
export const ACCESS_CHANGED = 'kanal:access-changed';

/**
 * Told of what the publisher sends (outgoing webhooks: src/services/webhooks/webhook-observer.ts; automation rules:
 * src/services/automation/observer.ts), after it was sent, without waiting: an observer owns its errors.
 */
export interface EventObserver {
  conversation(view: ConversationView, created: boolean): void;
  message(view: MessageView, conversation: ConversationView, updated: boolean): void;
  slaBreached(payload: { conversationId: string; kind: string; dueAt: string }): void;
  /** A customer's attributes were written (the keys written); not a socket event, for observers only. */
  customerAttributes?(payload: { customerId: string; keys: string[] }): void;
}

/**
 * Publishes realtime events through Redis, so a worker process or any hub node can reach sockets connected to any
 * other hub node (the Socket.IO Redis adapter on each node delivers them).
 */
export class EventPublisher {
  private readonly agents;
  private readonly widget;
  private readonly observers: EventObserver[] = [];

  constructor(private readonly redis: Redis, key = 'socket.io') {
    const emitter = new Emitter(redis, { key });
    this.agents = emitter.of(Namespaces.agents);
    this.widget = emitter.of(Namespaces.widget);
  }

  /** Every conversation, message and SLA breach published from now on is also passed to `observer` (after the others). */
  observe(observer: EventObserver): void {
    this.observers.push(observer);
  }

  /** A customer's attributes changed: only observers hear of it (automation rules on attribute changes). */
  customerAttributesChanged(customerId: string, keys: string[]): void {
    if (keys.length) for (const o of this.observers) o.customerAttributes?.({ customerId, keys });
  }

  /**
   * To every agent who may see the conversation; then whoever has it open but may not see it any more (moved to
   * another team, handed to someone else) leaves its room, so its messages and typing stop reaching them.
   */
  conversation(view: ConversationView, created = false): void {
    const seeing = roomsSeeing(view);
    this.agents.to(seeing).emit(created ? AgentEvents.conversationCreated : AgentEvents.conversationUpdated, view);
    const room = Rooms.conversation(view.id);
    this.agents.in(room).except(seeing).socketsLeave(room);
    for (const o of this.observers) o.conversation(view, created);
  }

  /**
   * The whole message goes to whoever has its conversation open (and its assignee); every other agent gets its
   * summary (no HTML, no quoted history, text cut to a preview: what a notification or list row shows), so one long
   * email is not copied to every console of the team. Only agents who may see the conversation get either
   * (roomsSeeing; a conversation's room is joined only by them: src/realtime/access.ts).
   */
  message(view: MessageView, conversation: ConversationView, updated = false): void {
    const event = updated ? AgentEvents.messageUpdated : AgentEvents.messageCreated;
    const full = [Rooms.conversation(view.conversationId)];
    if (conversation.assigneeId) full.push(Rooms.agent(conversation.assigneeId));
    this.agents.to(full).emit(event, view);
    this.agents.to(roomsSeeing(conversation)).except(full).emit(event, messageSummary(view));
    for (const o of this.observers) o.message(view, conversation, updated);
  }

  /** Who may see what changed (the team access mode, an agent's teams): every hub node re-decides its sockets' rooms. */
  accessChanged(agentId: string | null = null): void {
    this.agents.serverSideEmit(ACCESS_CHANGED, agentId);
  }

  typing(conversationId: string, payload: { from: 'customer' | 'agent'; typing: boolean; agentId?: string; agentName?: string }): void {
    this.agents.to(Rooms.conversation(conversationId)).emit(AgentEvents.typing, { conversationId, ...payload });
  }

  /** Who has the conversation open, to its room (src/realtime/viewers.ts). */
  viewers(conversationId: string, payload: { viewers: { id: string; name: string }[]; total: number }): void {
    this.toRoom(Rooms.conversation(conversationId), AgentEvents.conversationViewers, { conversationId, ...payload });
  }

  /** Admin-only events (a WhatsApp session's pairing QR must not reach other agents). */
  toAdmins(event: (typeof AgentEvents)[keyof typeof AgentEvents], payload: unknown): void {
    this.agents.to(Rooms.admins).emit(event, payload);
  }

  /** False once the Redis connection is closing or closed (deferred publishers skip then; see supervisor-signal.ts). */
  get open(): boolean {
    return this.redis.status === 'ready';
  }

  /** Every agent's console refetches what it keeps of labels (colours) or canned responses (the "/" list). */
  settingsChanged(what: 'labels' | 'canned'): void {
    this.toRoom(Rooms.agents, AgentEvents.settingsChanged, { what });
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
    if (event === AgentEvents.slaBreached) for (const o of this.observers) o.slaBreached(payload as { conversationId: string; kind: string; dueAt: string });
  }

  /** Closes the agent sockets in these rooms on every hub node, at once (ended sessions, a disabled agent). */
  disconnectAgents(rooms: string[]): void {
    if (rooms.length) this.agents.in(rooms).disconnectSockets(true);
  }

  /** Web chat visitors see agent replies and the delivery state of their own messages; never private notes. */
  toVisitor(visitorId: string, event: (typeof WidgetEvents)[keyof typeof WidgetEvents], payload: unknown): void {
    this.widget.to(Rooms.visitor(visitorId)).emit(event, payload);
  }
}
