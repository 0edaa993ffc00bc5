import type { AutomationEvent, TimeTrigger } from '../../domain/automation';
import type { AutomationJob } from '../../queues';
import type { Models } from '../../store';
import type { AutomationDeps } from './deps';
import { enabledRules } from './rules';

type TimerJob = Extract<AutomationJob, { kind: 'timer' }>;

/** One timer per (rule, conversation, moment the state was entered): a second publish of that state adds nothing. */
export const timerJobId = (ruleId: string, conversationId: string, since: string) =>
  `tm_${ruleId}_${conversationId}_${new Date(since).getTime()}`;

/**
 * Time rules ("pending for 3 days", "no customer reply for 24 h") as delayed jobs, scheduled when the state is
 * entered (status → pending; an outbound message), one per enabled rule of that trigger. Nothing scans: when the job
 * fires, `timerEvent` checks that the conversation is still in the state it waited on.
 */
export async function scheduleTimers(d: AutomationDeps, trigger: TimeTrigger, conversationId: string, since: string, chain: string[]): Promise<number> {
  const rules = await enabledRules(d.models, trigger);
  await Promise.all(rules.map((r) => d.queue.add('timer', { kind: 'timer', ruleId: String(r._id), trigger, conversationId, since, chain }, {
    jobId: timerJobId(String(r._id), conversationId, since),
    delay: Math.max(0, new Date(since).getTime() + (r.afterMinutes ?? 0) * 60_000 - Date.now()),
  })));
  return rules.length;
}

/**
 * The event a fired timer stands for, or why it is stale: the conversation must still be in the state it was
 * scheduled for. Pending: still pending, and pending since the same moment (`pendingSince`, from the observer's
 * state; absent when Redis lost it, then the store's status alone decides). No customer reply: not resolved, no
 * inbound message since.
 */
export async function timerEvent(m: Models, job: TimerJob, pendingSince: string | null): Promise<AutomationEvent | { stale: string }> {
  const c = await m.conversations.byId(job.conversationId);
  if (!c) return { stale: 'the conversation no longer exists' };
  const since = new Date(job.since).getTime();
  if (job.trigger === 'time.pending_for') {
    if (c.status !== 'pending') return { stale: `the conversation is ${c.status} now` };
    if (pendingSince !== null && new Date(pendingSince).getTime() !== since) return { stale: 'it left pending and came back since' };
  } else {
    if (c.status === 'resolved') return { stale: 'the conversation is resolved' };
    if (c.lastInboundAt && new Date(c.lastInboundAt).getTime() > since) return { stale: 'the customer replied since' };
  }
  return {
    id: `timer:${job.ruleId}:${job.conversationId}:${since}`, type: job.trigger as TimeTrigger, at: new Date().toISOString(),
    conversationId: job.conversationId, customerId: String(c.customerId), status: c.status, chain: job.chain,
  };
}
