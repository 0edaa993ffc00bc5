import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { RoutingJob } from '../../queues';
import type { AuditActor, Models, StoredConversation, StoredTeam } from '../../store';
import { audit } from '../audit';
import type { EventPublisher } from '../events';
import { applyDetectedLanguage } from '../identity/language';
import { recordEvent } from '../conversations/replies';
import { recordRoutedFacts, writeRoutedAssignment } from '../conversations/conversations';
import { rankCandidates, whyQueued, type AssignmentPolicy, type Candidate } from './routing-policy';
import { RoutingState } from './routing-state';
import { supervisorsChanged } from './supervisor-signal';
import { toConversationView, toMessageView } from '../conversations/views';
import type { ThreadEvent } from '../../domain/thread-events';
import { notify } from '../notifications/notifications';

export interface RoutingDeps {
  models: Models;
  redis: Redis;
  state: RoutingState;
  events: EventPublisher | null;
  queue: Queue<RoutingJob>;
  logger: Logger;
  /** Name of the team a conversation without one is routed to (unset: it stays unrouted). */
  defaultTeam?: string;
  offlineGraceMs: number;
}

export function routingDeps(d: { models: Models; redis: Redis; events: EventPublisher | null; logger: Logger; config: { QUEUE_PREFIX: string; ROUTING_DEFAULT_TEAM?: string; ROUTING_OFFLINE_GRACE_MS: number }; queues: { routing: Queue<RoutingJob> } }): RoutingDeps {
  return {
    models: d.models, redis: d.redis, events: d.events, logger: d.logger, queue: d.queues.routing,
    state: new RoutingState(d.redis, d.config.QUEUE_PREFIX),
    defaultTeam: d.config.ROUTING_DEFAULT_TEAM, offlineGraceMs: d.config.ROUTING_OFFLINE_GRACE_MS,
  };
}

/** How many queued conversations one drain pass looks at (the head of the queue). */
const PASS_WINDOW = 20;
const UNRESOLVED = ['open', 'pending', 'snoozed'] as const;

/** The enqueue hook of ingest: one job per opening (retries and redeliveries of the same opening are no-ops). */
export async function enqueueRouting(queue: Queue<RoutingJob>, conversationId: string, openingMessageId: string): Promise<void> {
  await queue.add('route', { kind: 'route', conversationId, messageId: openingMessageId }, { jobId: `route_${conversationId}_${openingMessageId}` });
}

/** Asks for a team's queue to be drained (capacity freed, an agent came online, a policy changed). */
export async function requestDrain(queue: Queue<RoutingJob>, teamIds: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(teamIds)].map((teamId) => queue.add('drain', { kind: 'drain', teamId })));
}

/** Records a routing decision on the conversation and tells the agents watching. */
async function announce(d: RoutingDeps, conversation: StoredConversation, fact: ThreadEvent, why: string, customerName?: string | null) {
  const event = await recordEvent(d.models, conversation, fact, undefined, undefined, why);
  if (!d.events) return;
  const name = customerName !== undefined ? customerName : await d.models.customers.nameOf(conversation.customerId);
  const view = toConversationView(conversation, name ?? undefined);
  d.events.conversation(view);
  d.events.message(toMessageView(event), view);
}

/** The team this conversation is routed in: its own, or the configured default (written to the conversation). */
async function teamOf(d: RoutingDeps, c: StoredConversation): Promise<StoredTeam | null> {
  if (c.teamId) return d.models.teams.byId(c.teamId);
  if (!d.defaultTeam) return null;
  const team = await d.models.teams.byName(d.defaultTeam);
  if (!team) return null;
  await d.models.conversations.updateById(c._id, { $set: { teamId: team._id } }, { teamId: null });
  c.teamId = team._id;
  return team;
}

/**
 * Routes one conversation (the "route" job): detects the customer's language from the opening message, puts the
 * conversation in its team's queue and drains the queue; if it is still waiting afterwards, records why and where.
 */
export async function routeConversation(d: RoutingDeps, conversationId: string, openingMessageId?: string): Promise<void> {
  const c = await d.models.conversations.byId(conversationId);
  if (!c || c.status === 'resolved') return;
  if (openingMessageId && Types.ObjectId.isValid(openingMessageId)) {
    const msg = await d.models.messages.byId(openingMessageId);
    if (msg) await applyDetectedLanguage(d.models, c.customerId as Types.ObjectId, msg.text);
  }
  if (c.assigneeId) {
    // Reopened with its assignee kept: it counts against their capacity again. Or a retry of a job that assigned it
    // and died before its facts were recorded: recorded now (same keys, so never twice).
    await recordRoutedFacts(d.models, c);
    await d.state.sync(conversationId, String(c.assigneeId));
    return;
  }
  const team = await teamOf(d, c);
  if (!team) return; // no team and no default team: unrouted, left to agents
  const teamId = String(team._id);
  const waitingSince = new Date(c.waitingSince ?? c.openedAt ?? Date.now()).getTime();
  await d.state.enqueue(teamId, conversationId, c.priority ?? 0, waitingSince);
  supervisorsChanged(d.events);
  await drainTeam(d, teamId); // whoever drains records "queued" for what it could not assign (noteQueued)
}

/** How far down the queue "queued" events are written; deeper entries get theirs as they move up. */
const NOTE_DEPTH = 200;

/**
 * Under the drain lock, after the passes: a conversation still waiting gets one "queued" event with its position
 * and why nobody could take it (a Redis set remembers which got one; leaving the queue clears the mark).
 */
async function noteQueued(d: RoutingDeps, teamId: string): Promise<void> {
  const ids = await d.state.queued(teamId, 0, NOTE_DEPTH);
  const fresh = new Set(await d.state.firstNotes(teamId, ids));
  if (!fresh.size) return;
  const team = await d.models.teams.byId(teamId);
  if (!team) return;
  const agents = await teamCandidates(d, teamId);
  for (const [i, id] of ids.entries()) {
    if (!fresh.has(id)) continue;
    const c = await d.models.conversations.byId(id);
    if (!c) continue;
    const customer = await d.models.customers.byId(c.customerId, ['language', 'name']);
    const why = whyQueued(team.assignmentPolicy as AssignmentPolicy, agents, { language: customer?.language, requiredSkills: c.requiredSkills ?? [] });
    await announce(d, c, { type: 'queued', team: team.name, position: i + 1, policy: team.assignmentPolicy }, why, customer?.name ?? null);
  }
}

/** Online/away/offline agents of a team with their current load (capacity checks need every one). */
async function teamCandidates(d: RoutingDeps, teamId: string): Promise<Candidate[]> {
  const agents = await d.models.agents.activeOfTeam(teamId);
  const loads = await d.state.loads(agents.map((a) => String(a._id)));
  return agents.map((a) => ({
    id: String(a._id), name: a.name, presence: a.presence ?? 'offline', languages: a.languages ?? [], skills: a.skills ?? [],
    capacity: a.capacity ?? 0, load: loads.get(String(a._id)) ?? 0,
  }));
}

/**
 * Drains a team's queue under a per-team lock. A caller that finds the lock taken leaves a "dirty" mark, which the
 * holder sees before letting go, so no signal is lost and only one process drains a team at a time (queue order).
 */
export async function drainTeam(d: RoutingDeps, teamId: string): Promise<void> {
  await d.state.markDirty(teamId);
  for (;;) {
    const token = await d.state.tryLock(`team:${teamId}`);
    if (!token) return; // the holder will see our mark
    try {
      while (await d.state.takeDirty(teamId)) await drainPass(d, teamId);
      await noteQueued(d, teamId);
    } finally {
      await d.state.unlock(`team:${teamId}`, token);
    }
    // A mark left between our last check and the unlock would otherwise wait for the next signal.
    if (!(await d.state.isDirty(teamId))) return;
  }
}

/** One pass over the head of the queue, in order; stops as soon as no agent of the team has free capacity. */
async function drainPass(d: RoutingDeps, teamId: string): Promise<void> {
  const team = await d.models.teams.byId(teamId);
  if (!team) return;
  const policy = team.assignmentPolicy as AssignmentPolicy;
  if (policy === 'manual') return;
  const agents = await teamCandidates(d, teamId);
  const free = () => agents.some((a) => a.presence === 'online' && a.load < a.capacity);
  const room = () => agents.reduce((t, a) => t + (a.presence === 'online' ? Math.max(0, a.capacity - a.load) : 0), 0);
  let last = policy === 'round-robin' ? await d.state.lastAssigned(teamId) : null; // we hold the lock: ours to track
  let offset = 0;
  // Events are written in the background while the next decisions are made; all settle before the pass ends.
  const recording: Promise<unknown>[] = [];
  const record = (c: StoredConversation, fact: ThreadEvent, why: string, name?: string | null) =>
    recording.push(announce(d, c, fact, why, name).catch((err: unknown) => d.logger.warn({ err, conversationId: String(c._id) }, 'routing event not recorded')));
  try {
  while (free()) {
    // Only as much of the queue head as could be assigned now: the reads of a window go out together.
    const ids = await d.state.queued(teamId, offset, Math.min(PASS_WINDOW, Math.max(1, room())));
    if (!ids.length) return;
    const convs = await Promise.all(ids.map((id) => d.models.conversations.byId(id)));
    const customerIds = [...new Set(convs.flatMap((c) => (c ? [String(c.customerId)] : [])))];
    const customers = new Map((await d.models.customers.byIds(customerIds, ['language', 'name'])).flatMap((x) => (x ? [[String(x._id), x] as const] : [])));
    for (const [i, c] of convs.entries()) {
      const id = ids[i]!;
      if (!c || c.status === 'resolved' || c.assigneeId || String(c.teamId) !== teamId) {
        // Resolved, assigned by hand, or moved to another team meanwhile; or assigned by a pass that died before it
        // dequeued, whose facts may be missing too (recorded again under the same keys).
        if (c?.assigneeId) await recordRoutedFacts(d.models, c);
        await d.state.dequeue(teamId, id);
        offset--;
        continue;
      }
      if (!free()) return;
      const customer = customers.get(String(c.customerId));
      const ranked = rankCandidates(policy, agents, { language: customer?.language, requiredSkills: c.requiredSkills ?? [] }, last);
      let outcome: 'assigned' | 'gone' | 'waiting' = 'waiting';
      for (const { agent, why } of ranked) {
        if (!(await d.state.claim(agent.id, id, agent.capacity))) {
          agent.load = agent.capacity; // someone else's claim (another team's drain) filled it
          continue;
        }
        const assigned = await writeRoutedAssignment(d.models, c._id, agent.id); // records assigned + dequeued
        if (!assigned) {
          // Taken by hand or resolved between our read and write: undo the claim, their sync does the rest.
          const now = await d.models.conversations.byId(c._id);
          await d.state.sync(id, now && now.assigneeId && now.status !== 'resolved' ? String(now.assigneeId) : null);
          outcome = 'gone';
        } else {
          agent.load++;
          if (policy === 'round-robin') {
            last = agent.id;
            await d.state.setLastAssigned(teamId, agent.id);
          }
          record(assigned, { type: 'routed', assignee: agent.name, team: team.name, policy }, why, customer?.name ?? null);
          recording.push(notify(d.models, d.events, {
            key: `assigned|${String(assigned._id)}|${agent.id}|${(assigned.assignedAt ?? new Date()).getTime()}`, agentId: agent.id, kind: 'assigned',
            conversationId: String(assigned._id), from: null, customerId: assigned.customerId, at: assigned.assignedAt ?? new Date(),
          }).catch((err: unknown) => d.logger.warn({ err, conversationId: String(assigned._id) }, 'assignment notification not stored')));
          outcome = 'assigned';
        }
        break;
      }
      if (outcome !== 'waiting') {
        await d.state.dequeue(teamId, id);
        offset--;
      }
    }
    offset += ids.length;
    supervisorsChanged(d.events);
  }
  } finally {
    await Promise.all(recording);
  }
}

/**
 * After any assignment or status change made outside routing (the assign and status routes, re-queueing): makes the
 * load counters agree with the store, takes assigned or resolved conversations out of the queue, puts unassigned
 * unresolved ones back, and lets the queue of an agent whose capacity freed drain.
 */
export async function afterConversationChange(d: RoutingDeps, conversationId: string): Promise<void> {
  const c = await d.models.conversations.byId(conversationId);
  if (!c) return;
  const unresolved = c.status !== 'resolved';
  const owner = unresolved && c.assigneeId ? String(c.assigneeId) : null;
  const prev = await d.state.sync(conversationId, owner);
  const teams = new Set<string>();
  if (owner || !unresolved) {
    if (c.teamId) await d.state.dequeue(String(c.teamId), conversationId);
  } else if (c.status === 'open') {
    await d.queue.add('route', { kind: 'route', conversationId }); // back in line (and recorded as queued)
  }
  if (prev && prev !== owner) {
    for (const t of (await d.models.agents.teamIdsOf(prev)) ?? []) teams.add(String(t));
  }
  supervisorsChanged(d.events);
  if (teams.size) await requestDrain(d.queue, teams);
}

/** Sets priority and required skills; a waiting conversation re-enters its queue at its new place. */
export async function changeRouting(d: RoutingDeps, actor: AuditActor, conversationId: string, set: { priority?: number; requiredSkills?: string[] }): Promise<boolean> {
  const before = await d.models.conversations.byId(conversationId);
  const c = before && await d.models.conversations.updateById(conversationId, { $set: set });
  if (!before || !c) return false;
  const routing = (x: StoredConversation) => ({ priority: x.priority ?? 0, requiredSkills: x.requiredSkills ?? [] });
  await audit(d.models, actor, 'conversation.routing_changed', { type: 'conversation', id: c._id }, routing(before), routing(c));
  // Every console showing it follows (the thread's priority control, the list).
  if (d.events) d.events.conversation(toConversationView(c, (await d.models.customers.nameOf(c.customerId)) ?? undefined));
  if (c.teamId) await d.state.dequeue(String(c.teamId), conversationId);
  await afterConversationChange(d, conversationId);
  return true;
}

/**
 * At worker start: Redis load counters are rebuilt from the store (a crash between a store write and its Redis
 * update leaves them off), and open unassigned conversations of routed teams go back into their queues.
 * Runs under every team's drain lock, so no claim is in flight while the counters are replaced.
 */
export async function reconcile(d: RoutingDeps): Promise<{ counted: number; requeued: number }> {
  const teams = await d.models.teams.all();
  const held: [string, string][] = [];
  try {
    for (const t of teams) {
      const name = `team:${String(t._id)}`;
      let token: string | null = null;
      for (let i = 0; i < 100 && !token; i++) {
        token = await d.state.tryLock(name);
        if (!token) await new Promise((r) => setTimeout(r, 50));
      }
      if (token) held.push([name, token]);
    }
    // The unresolved conversations (what the team has in hand), one status equality each.
    const unresolved = (await Promise.all(UNRESOLVED.map((s) => d.models.conversations.inStatus(s)))).flat();
    const truth = new Map(unresolved.filter((c) => c.assigneeId).map((c) => [String(c._id), String(c.assigneeId)]));
    for (const [conv, agent] of truth) await d.state.sync(conv, agent);
    for (const conv of (await d.state.owners()).keys()) if (!truth.has(conv)) await d.state.sync(conv, null);
    const waiting = unresolved.filter((c) => !c.assigneeId && c.status === 'open' && c.teamId);
    for (const c of waiting) await d.state.enqueue(String(c.teamId), String(c._id), c.priority ?? 0, new Date(c.waitingSince ?? c.openedAt).getTime());
    return { counted: truth.size, requeued: waiting.length };
  } finally {
    for (const [name, token] of held) await d.state.unlock(name, token);
    if (teams.length) await requestDrain(d.queue, teams.map((t) => String(t._id)));
  }
}
