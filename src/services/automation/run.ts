import { Types } from 'mongoose';
import { isKanalError } from '../../domain/errors';
import { MAX_CHAIN_DEPTH, type AutomationEvent, type RunActionResult, type RunStatus } from '../../domain/automation';
import type { AutomationJob } from '../../queues';
import { RUN_PAGE, RUN_PAGES_KEPT, type StoredConversation, type StoredRule } from '../../store';
import { executePlan, isEmptyPlan, PartlyApplied, planActions, type Plan } from '../actions';
import type { Actor } from '../conversations/inbox';
import { toConversationView } from '../conversations/views';
import { deliverTo } from '../webhooks/webhooks';
import { asRule } from './cause';
import { evaluateRule, type Verdict } from './conditions';
import type { RunnerDeps } from './deps';
import { Facts } from './facts';
import { stateKey } from './observer';
import { RecentEvents } from './recent-events';
import { enabledRules } from './rules';
import { timerEvent } from './timers';

/** Queue `automation`: an event runs the enabled rules of its type in order; a timer runs its one rule if still due. */
export async function processAutomationJob(d: RunnerDeps, job: AutomationJob): Promise<string> {
  if (job.kind === 'event') return `${await runEvent(d, job.event, await enabledRules(d.models, job.event.type))} fired`;
  const rule = Types.ObjectId.isValid(job.ruleId) ? await d.models.automationRules.byId(new Types.ObjectId(job.ruleId)) : null;
  if (!rule || !rule.enabled || rule.event !== job.trigger) return 'stale: the rule changed';
  const state = await d.redis.get(stateKey(d.prefix, job.conversationId));
  const pendingSince = state ? (JSON.parse(state) as [string, string | null, string])[2] : null;
  const event = await timerEvent(d.models, job, pendingSince);
  if ('stale' in event) return `stale: ${event.stale}`;
  await new RecentEvents(d.redis, d.prefix).add(event);
  return `${await runEvent(d, event, [rule])} fired`;
}

/**
 * Runs `rules` (in order) on one event. Per rule: conditions on the conversation as it is now (so a rule sees what
 * an earlier one changed), then its plan: nothing to change is no run; only field changes are applied and then
 * recorded (again they would change nothing); anything else (a reply, a note, a webhook) gets a run record keyed by
 * (event, rule) claimed before any action: a redelivered event finds it and does nothing again (a run still
 * `running` was cut short by a crash and runs again; the plan skips what already holds). The loop guard stops a rule on an event its own actions caused, and any chain at
 * MAX_CHAIN_DEPTH; both are logged on the rule. Returns how many rules acted.
 */
export async function runEvent(d: RunnerDeps, event: AutomationEvent, rules: StoredRule[]): Promise<number> {
  if (!rules.length) return 0;
  const facts = new Facts(d.models, event);
  let fired = 0;
  for (const rule of rules) {
    const verdict = await evaluateRule(rule, facts);
    if (!verdict.matched) continue;
    const ruleId = String(rule._id);
    const loop = event.chain.includes(ruleId)
      ? 'loop guard: this event was caused by this rule’s own actions'
      : event.chain.length >= MAX_CHAIN_DEPTH ? `loop guard: a chain of ${event.chain.length} rules reached the cap of ${MAX_CHAIN_DEPTH}` : null;
    const conversation = (await facts.conversation())!;
    const actor: Actor = { id: ruleId, name: rule.name, role: 'admin', teamIds: [] };
    // What the rule would change, checked before anything is written.
    const planned = loop ? null : await planFor(d, actor, rule, conversation);
    // A match that would change nothing (the label is there already) is not a run: nothing to do, log or repeat.
    if (planned !== null && 'nothingToDo' in planned) continue;
    if (planned !== null && 'plan' in planned && !planned.plan.messages.length && !rule.actions.some((a) => a.type === 'send_webhook')) {
      // Only field changes (labels, status, priority, assignment, attributes): applying them again changes nothing
      // (the plan leaves out what holds), so the run is recorded once, after them; a redelivery plans nothing.
      const result = await asRule(event.chain, ruleId, () => perform(d, actor, rule, event, conversation, planned));
      await record(d, rule, event, verdict, result);
      facts.refresh();
      fired++;
      continue;
    }
    const seq = await d.redis.incr(`${d.prefix}:automation:seq:${ruleId}`);
    const { created, run } = await d.models.automationRuns.claim({
      ruleId, ruleName: rule.name, seq, eventId: event.id, eventType: event.type, conversationId: event.conversationId, at: new Date(),
      status: loop ? 'loop_stopped' : 'running', matched: verdict.reasons, conditions: verdict.held, actions: [], depth: event.chain.length, note: loop,
    });
    if (!created && run.status !== 'running') continue; // this event already ran this rule
    if (created) await pruneLog(d, ruleId, seq);
    if (loop) {
      d.logger.warn({ ruleId, eventId: event.id, chain: event.chain }, loop);
      continue;
    }
    const result = await asRule(event.chain, ruleId, () => perform(d, actor, rule, event, conversation, planned));
    await d.models.automationRuns.finish(run._id, result);
    facts.refresh();
    fired++;
  }
  return fired;
}

/** The run record of a rule whose actions are done already (a redelivery finding it changes nothing). */
async function record(d: RunnerDeps, rule: StoredRule, event: AutomationEvent, verdict: Verdict, result: Awaited<ReturnType<typeof perform>>): Promise<void> {
  const ruleId = String(rule._id);
  const seq = await d.redis.incr(`${d.prefix}:automation:seq:${ruleId}`);
  const { created } = await d.models.automationRuns.claim({
    ruleId, ruleName: rule.name, seq, eventId: event.id, eventType: event.type, conversationId: event.conversationId, at: new Date(),
    ...result, matched: verdict.reasons, conditions: verdict.held, depth: event.chain.length,
  });
  if (created) await pruneLog(d, ruleId, seq);
}

/** The log keeps RUN_PAGES_KEPT pages per rule: the first run of a new page removes the oldest one kept. */
async function pruneLog(d: RunnerDeps, ruleId: string, seq: number): Promise<void> {
  if (seq % RUN_PAGE === 0 && seq / RUN_PAGE >= RUN_PAGES_KEPT) await d.models.automationRuns.dropPage(ruleId, seq / RUN_PAGE - RUN_PAGES_KEPT);
}

type Planned = { plan: Plan } | { refused: unknown } | { nothingToDo: true };

/** The rule's conversation actions checked now: a plan, a refusal (logged as the run's result), or nothing to do. */
async function planFor(d: RunnerDeps, actor: Actor, rule: StoredRule, conversation: StoredConversation): Promise<Planned> {
  const onConversation = rule.actions.filter((a) => a.type !== 'send_webhook');
  if (!onConversation.length) return { plan: { messages: [] } };
  try {
    const plan = await planActions(d.models, actor, conversation, onConversation);
    return isEmptyPlan(plan) && onConversation.length === rule.actions.length ? { nothingToDo: true } : { plan };
  } catch (err) {
    if (!isKanalError(err) || err.retryable) throw err;
    return { refused: err };
  }
}

/**
 * A rule's actions: the conversation ones as one checked plan through the macros' executor (the same services as an
 * agent's clicks, with the rule as the actor), then its webhooks. A refusal is the run's result, not a retry; a
 * store or Redis failure throws, so BullMQ retries the job and the run (still `running`) goes again.
 */
async function perform(
  d: RunnerDeps, actor: Actor, rule: StoredRule, event: AutomationEvent, conversation: StoredConversation, planned: Planned | null,
): Promise<{ status: RunStatus; actions: RunActionResult[]; note: string | null }> {
  const onConversation = rule.actions.filter((a) => a.type !== 'send_webhook');
  const results: RunActionResult[] = [];
  let failures = 0;
  let note: string | null = null;
  if (onConversation.length) {
    try {
      if (planned && 'refused' in planned) throw planned.refused;
      // Planned again when the run resumes after a crash (the conversation may have moved on).
      const plan = planned && 'plan' in planned ? planned.plan : await planActions(d.models, actor, conversation, onConversation);
      if (!isEmptyPlan(plan)) await executePlan(d.fx, actor, conversation, plan, d.settings, { automated: true });
      for (const a of onConversation) results.push({ type: a.type, ok: true });
    } catch (err) {
      const failure = err instanceof PartlyApplied ? err.failure : err;
      if (!isKanalError(failure) || failure.retryable) throw failure;
      const index = typeof failure.details?.action === 'number' ? failure.details.action - 1 : -1;
      note = failure.message;
      onConversation.forEach((a, i) => {
        const ok = err instanceof PartlyApplied && i !== index;
        results.push(ok ? { type: a.type, ok } : { type: a.type, ok: false, error: i === index || index < 0 ? failure.message : 'not applied' });
      });
      failures += err instanceof PartlyApplied ? 1 : onConversation.length;
    }
  }
  for (const a of rule.actions) {
    if (a.type !== 'send_webhook') continue;
    if (!d.webhooks) {
      results.push({ type: a.type, ok: false, error: 'webhooks are not sent from this process' });
      failures++;
      continue;
    }
    try {
      const now = await d.models.conversations.byId(conversation._id);
      await deliverTo(d.webhooks, a.webhookId, 'automation.rule', { ruleId: String(rule._id), ruleName: rule.name, event, conversation: now ? toConversationView(now) : null });
      results.push({ type: a.type, ok: true });
    } catch (err) {
      if (!isKanalError(err) || err.retryable) throw err;
      results.push({ type: a.type, ok: false, error: err.message });
      failures++;
    }
  }
  const status: RunStatus = failures === 0 ? 'done' : results.some((r) => r.ok) ? 'partly' : 'failed';
  return { status, actions: results, note };
}
