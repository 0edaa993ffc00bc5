import { Types } from 'mongoose';
import type { AutomationEvent, AutomationEventType } from '../../domain/automation';
import type { ConversationView, MessageView } from '../../domain/views';
import type { EventObserver } from '../events';
import { currentChain } from './cause';
import type { AutomationDeps } from './deps';
import { RecentEvents } from './recent-events';
import { anyRuleMayMatch } from './rules';
import { scheduleTimers } from './timers';

// How long a conversation's last published status and assignee are remembered to tell what an update changed.
const STATE_TTL_S = 90 * 24 * 3600;
const TEXT_MAX = 2000;

/** BullMQ job ids must not hold ':'; event ids do. */
export const eventJobId = (eventId: string) => `ev_${Buffer.from(eventId).toString('base64url')}`;

/** The state remembered per conversation: [status, assignee, when the status was entered (ISO)]. */
type State = [string, string | null, string];
export const stateKey = (prefix: string, conversationId: string) => `${prefix}:automation:state:${conversationId}`;

/**
 * Automation events from what the realtime publisher sends (like outgoing webhooks: every write path produces them
 * without knowing about rules). Runs in the process that made the change, never waits in its path: each event is
 * put in the recent-events log (for dry runs) and, when an enabled rule of its type may match it, queued on `automation`
 * with the event id as job id (a second publish of the same fact queues nothing). The chain of rules whose actions
 * caused the change rides along (./cause.ts). Status and assignee changes are told apart by comparing with the
 * state last seen for the conversation (Redis: one GET per conversation update), confirmed by the store.
 */
export function automationObserver(d: AutomationDeps): EventObserver {
  const recent = new RecentEvents(d.redis, d.prefix);
  // Queued before it is logged: once an event is in the log, its job (if any rule wanted it) is in the queue. An
  // event no enabled rule can match by its own facts and the conversation as published (text, channel, labels,
  // priority, team, status, conversation attributes) costs no job and no read.
  const emit = async (event: AutomationEvent, conversation: ConversationView | null = null) => {
    if (await anyRuleMayMatch(d.models, event, conversation)) await d.queue.add('event', { kind: 'event', event }, { jobId: eventJobId(event.id) });
    await recent.add(event);
  };
  const fire = (work: () => Promise<unknown>) => {
    work().catch((err: unknown) => d.logger.warn({ err }, 'automation event not queued'));
  };
  const base = (type: AutomationEventType, id: string, conversationId: string, chain: string[], extra: Partial<AutomationEvent> = {}): AutomationEvent =>
    ({ id, type, at: new Date().toISOString(), conversationId, chain, ...extra });

  return {
    conversation(view, created) {
      const chain = currentChain(); // read now: the async context ends with this call
      fire(() => onConversation(view, created, chain));
    },
    message(view, conversation, updated) {
      const chain = currentChain();
      fire(() => onMessage(view, conversation, updated, chain));
    },
    slaBreached(p) {
      const chain = currentChain();
      fire(() => emit(base('sla.breached', `sla:${p.conversationId}:${p.kind}:${p.dueAt}`, p.conversationId, chain, { slaKind: p.kind })));
    },
    customerAttributes(p) {
      const chain = currentChain();
      fire(async () => {
        const open = await d.models.conversations.unresolvedOf(p.customerId);
        if (!open) return; // rules act on a conversation: a customer with none open has nothing to act on
        await emit(base('customer.attribute_changed', new Types.ObjectId().toHexString(), String(open._id), chain, { customerId: p.customerId, keys: p.keys }));
      });
    },
  };

  async function onConversation(published: ConversationView, created: boolean, chain: string[]): Promise<void> {
    const now = new Date().toISOString();
    const key = stateKey(d.prefix, published.id);
    const raw = await d.redis.get(key);
    const previous = raw ? (JSON.parse(raw) as State) : null;
    let view = published;
    if (previous && (previous[0] !== view.status || previous[1] !== (view.assigneeId ?? null))) {
      // A view read before a change can be published after it (another process, a slow path): a change is taken
      // from the store, and a view that only looks changed is not one. One read per change, none per message.
      const stored = await d.models.conversations.byId(view.id);
      if (!stored) return;
      view = { ...view, status: stored.status, assigneeId: stored.assigneeId ? String(stored.assigneeId) : null };
    }
    const assignee = view.assigneeId ?? null;
    const statusChanged = previous !== null && previous[0] !== view.status;
    const assigneeChanged = previous !== null && previous[1] !== assignee;
    const since = !previous || statusChanged ? now : previous[2];
    if (!previous || statusChanged || assigneeChanged) {
      // Two processes publishing one change at once may both see it: the conditional SET (only if unchanged) leaves
      // the change to one of them.
      const next = JSON.stringify([view.status, assignee, since] satisfies State);
      const won = raw === null ? await d.redis.set(key, next, 'EX', STATE_TTL_S, 'NX') : await swap(key, raw, next);
      if (!won) return;
    }
    const common = { customerId: view.customerId, status: view.status };
    if (created) await emit(base('conversation.opened', `opened:${view.id}`, view.id, chain, { ...common, channel: view.lastInboundChannel }), view);
    if (!previous) return;
    if (statusChanged) {
      await emit(base('conversation.status_changed', new Types.ObjectId().toHexString(), view.id, chain, { ...common, previousStatus: previous[0] }), view);
      if (view.status === 'pending') await scheduleTimers(d, 'time.pending_for', view.id, since, chain);
    }
    if (assigneeChanged) {
      await emit(base('conversation.assigned', new Types.ObjectId().toHexString(), view.id, chain, { ...common, previousAssigneeId: previous[1], assigneeId: assignee }), view);
    }
  }

  /** Compare-and-set of the state (a Lua script: one round trip). */
  async function swap(key: string, expected: string, next: string): Promise<boolean> {
    const done = await d.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0",
      1, key, expected, next, String(STATE_TTL_S),
    );
    return done === 1;
  }

  async function onMessage(view: MessageView, conversation: ConversationView, updated: boolean, chain: string[]): Promise<void> {
    if (updated) return;
    if (view.kind === 'message' && view.direction === 'in') {
      await emit(base('message.received', `msg:${view.id}`, view.conversationId, chain, {
        customerId: view.customerId, messageId: view.id, channel: view.channel, text: view.text.slice(0, TEXT_MAX),
      }), conversation);
    } else if (view.kind === 'message' && view.direction === 'out') {
      // The last word is ours: "no customer reply for N" starts now (checked again when it fires).
      await scheduleTimers(d, 'time.no_customer_reply', conversation.id, view.createdAt, chain);
    } else if (view.kind === 'event' && view.event?.type === 'csat') {
      await emit(base('csat.received', `csat:${view.id}`, view.conversationId, chain, { customerId: view.customerId, score: view.event.score }), conversation);
    }
  }
}
