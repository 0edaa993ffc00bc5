import { Types } from 'mongoose';
import { scheduleSurvey } from '../csat/csat';
import type { ConversationStatus, ConversationView } from '../../domain/views';
import type { QueueSet } from '../../queues';
import type { Models, StoredConversation } from '../../store';
import type { EventPublisher } from '../events';
import { afterConversationChange, routingDeps, type RoutingDeps } from '../routing/routing';
import { syncSla } from '../sla/sla';
import { effectiveSettings } from '../sla/sla-settings';
import { setStatus, writeAssignment } from './conversations';
import { statusToVisitor } from './threads';
import { announce, InboxError, oid, type Actor } from './inbox';
import { createReply, type AgentRef } from './replies';
import { scheduleSnoozeEnd } from './snooze';
import { notify } from '../notifications/notifications';
import type { ThreadEvent } from '../../domain/thread-events';

/**
 * Every change of a conversation's status or assignee made by a person or a timer goes through here (ingest and
 * routing's own queue walk have theirs in src/services/ingest and src/services/routing): manual assign, resolve,
 * reopen, pending and snooze, a snooze's end, and the resolve and reopen of a customer merge; and an agent's reply,
 * which moves the response clocks. Each function owns
 * all the effects of the change, so routes, workers and merges get the same behaviour:
 * - the store write (the conversations repository keeps the inbox index in step) and its metric facts
 *   (resolved; assigned and dequeued),
 * - an event in the thread, published to the agents watching,
 * - routing: load counters, the team queue, drains of freed capacity (afterConversationChange),
 * - SLA clocks (syncSla, which records the hits of clocks it stops) and the snooze timer.
 */
export interface ConversationEffects {
  models: Models;
  events: EventPublisher | null;
  queues: Pick<QueueSet, 'sla' | 'outbound'>;
  /** Null only in a process that runs no routing (some worker tests): the next routing reconcile heals its counters. */
  routing: RoutingDeps | null;
}

/** The effects wiring of a hub or worker process (its shared deps). */
export function conversationEffects(deps: Parameters<typeof routingDeps>[0] & { queues: QueueSet }): ConversationEffects {
  return { models: deps.models, events: deps.events, queues: deps.queues, routing: routingDeps(deps) };
}

/** What follows any status or assignee change: routing's counters and queues, then the SLA clocks. */
async function settle(fx: ConversationEffects, conversationId: string): Promise<void> {
  if (fx.routing) await afterConversationChange(fx.routing, conversationId);
  await syncSla(fx, conversationId); // resolve stops the clocks, pending/snoozed pause them, a new team may change them
}

/**
 * Agents may take a conversation or hand back their own; supervisors and admins assign anyone.
 * The assignee must exist and not be disabled.
 */
export async function assignConversation(
  fx: ConversationEffects,
  actor: Actor,
  id: string,
  input: { assigneeId: string | null; teamId?: string | null },
): Promise<ConversationView> {
  const m = fx.models;
  const conversationId = oid(id);
  const current = await m.conversations.byId(conversationId);
  if (!current) throw new InboxError('conversation not found', 'not_found');
  const privileged = actor.role !== 'agent';
  let assignee: { _id: unknown; name: string } | null = null;
  if (input.assigneeId) {
    const a = await m.agents.byId(oid(input.assigneeId, 'assigneeId'));
    if (!a || a.disabled) throw new InboxError('assignee not found or disabled', 'invalid_input');
    assignee = a;
  }
  if (!privileged) {
    const toSelf = input.assigneeId === actor.id;
    const unassignSelf = input.assigneeId === null && String(current.assigneeId) === actor.id;
    if (!toSelf && !unassignSelf) throw new InboxError('agents may only assign conversations to themselves', 'forbidden');
    if (input.teamId && !actor.teamIds.includes(input.teamId)) throw new InboxError('agents may only move conversations to their own teams', 'forbidden');
  }
  const set: { teamId?: Types.ObjectId | null } = {};
  if (input.teamId !== undefined) {
    if (input.teamId && !(await m.teams.exists(oid(input.teamId, 'teamId')))) throw new InboxError('team not found', 'invalid_input');
    set.teamId = input.teamId ? new Types.ObjectId(input.teamId) : null;
  }
  const updated = await writeAssignment(m, current, assignee ? new Types.ObjectId(String(assignee._id)) : null, set);
  if (!updated) throw new InboxError('conversation not found', 'not_found');
  const view = await announceAssignment(fx, updated, actor, assignee);
  // The new assignee's bell, when someone else handed it to them.
  const assigneeId = assignee ? String(assignee._id) : null;
  if (assigneeId && assigneeId !== actor.id && assigneeId !== String(current.assigneeId ?? '')) {
    await notify(m, fx.events, {
      key: `assigned|${String(updated._id)}|${assigneeId}|${(updated.assignedAt ?? new Date()).getTime()}`, agentId: assigneeId, kind: 'assigned',
      conversationId: String(updated._id), from: { id: actor.id, name: actor.name }, customerId: updated.customerId, at: updated.assignedAt ?? new Date(),
    });
  }
  return view;
}

/** The thread event of an assignment (the console reads its shape: agent-ui/src/events.ts), then routing and SLA. */
async function announceAssignment(fx: ConversationEffects, updated: StoredConversation, actor: AgentRef, assignee: { name: string } | null): Promise<ConversationView> {
  const fact: ThreadEvent = assignee ? { type: 'assigned', actor: actor.name, assignee: assignee.name } : { type: 'unassigned', actor: actor.name };
  const view = await announce(fx.models, fx.events, updated, fact, actor);
  await settle(fx, String(updated._id));
  return view;
}

/**
 * Sets the status (resolve, reopen, pending, snooze with its wake-up). `text` replaces the default event text
 * (a merge says why it resolved). A reopen while the customer has another unresolved conversation is a ConflictError.
 */
export async function changeStatus(
  fx: ConversationEffects,
  actor: AgentRef,
  id: string,
  input: { status: ConversationStatus; snoozedUntil?: Date },
  fact?: ThreadEvent,
  opts: { survey?: boolean } = {},
): Promise<ConversationView> {
  const updated = await setStatus(fx.models, oid(id), input.status, input.snoozedUntil);
  if (!updated) throw new InboxError('conversation not found', 'not_found');
  const until = input.status === 'snoozed' && input.snoozedUntil ? { until: input.snoozedUntil.toISOString() } : {};
  const view = await announce(fx.models, fx.events, updated, fact ?? { type: 'status', actor: actor.name, status: input.status, ...until }, actor);
  await settle(fx, id);
  // A visitor in a live session (web chat) is shown that it was resolved and that writing again reopens it.
  await statusToVisitor(fx.models, fx.events, updated).catch(() => {});
  if (input.snoozedUntil && updated.status === 'snoozed') await scheduleSnoozeEnd(fx.queues, id, input.snoozedUntil);
  // A resolve asks the customer how it went (the team's CSAT settings decide whether and when: docs/csat.md).
  if (updated.status === 'resolved' && opts.survey !== false) await scheduleSurvey(fx, id);
  return view;
}

/** A snooze's timer fired: a conversation still snoozed until exactly then goes back to open (and to its queue). */
export async function endSnooze(fx: ConversationEffects, job: { conversationId: string; dueAt: number }): Promise<'woken' | 'stale'> {
  if (!Types.ObjectId.isValid(job.conversationId)) return 'stale';
  const woken = await fx.models.conversations.updateById(job.conversationId, { $set: { status: 'open', snoozedUntil: null } }, { status: 'snoozed', snoozedUntil: new Date(job.dueAt) });
  if (!woken) return 'stale';
  await announce(fx.models, fx.events, woken, { type: 'snooze_ended' });
  await settle(fx, job.conversationId);
  return 'woken';
}

/**
 * An agent's reply (stored, its send enqueued: createReply), then the SLA clocks it stops or restarts. A reply to an
 * unassigned conversation assigns it to the replying agent when the team's hand-off setting says so (on by default):
 * the same write, facts and thread event as taking it by hand; a conditional write, so an assignment made meanwhile
 * is kept.
 */
export async function sendReply(fx: ConversationEffects, input: Parameters<typeof createReply>[2], opts: { assignOnReply?: boolean } = {}) {
  const sent = await createReply(fx.models, fx.events, input, fx.queues);
  if (sent.duplicate || opts.assignOnReply === false || !(await takeOnReply(fx, input.conversationId, input.agent))) {
    await syncSla(fx, input.conversationId); // an agent reply stops the first/next response clock
  }
  return sent;
}

/** True when the reply assigned the conversation to its agent (settle then ran the SLA clocks too). */
async function takeOnReply(fx: ConversationEffects, conversationId: string, agent: AgentRef): Promise<boolean> {
  const current = await fx.models.conversations.byId(conversationId);
  if (!current || current.assigneeId) return false;
  if ((await effectiveSettings(fx.models, current.teamId)).handoff?.autoAssignOnReply === false) return false;
  const updated = await writeAssignment(fx.models, current, new Types.ObjectId(agent.id), {}, new Date(), { onlyIfUnassigned: true });
  if (!updated) return false;
  await announceAssignment(fx, updated, agent, agent);
  return true;
}
