import { Types } from 'mongoose';
import { isTimeTrigger, MAX_RULES, type AutomationEvent, type RuleInput, type RuleTrigger, type RuleView } from '../../domain/automation';
import { foldText } from '../../domain/search-terms';
import { mayMatch, type ConversationFacts } from './conditions';
import { KanalError } from '../../domain/errors';
import type { AuditActor, Models, StoredRule } from '../../store';
import { audit, type AuditSubject } from '../audit';

/**
 * The rules: admin-defined, ordered by `position`. Every change is audited and applies without a restart: this
 * process forgets its cached copy at once, other processes within CACHE_MS.
 */
export const toRuleView = (r: StoredRule): RuleView => ({
  id: String(r._id), name: r.name, enabled: Boolean(r.enabled), position: r.position, event: r.event,
  ...(r.afterMinutes ? { afterMinutes: r.afterMinutes } : {}),
  conditions: r.conditions ?? [], anyOf: r.anyOf ?? [], actions: r.actions, updatedAt: r.updatedAt.toISOString(), updatedBy: r.updatedBy ?? '',
});

// The rules, per process, for a few seconds: an event costs no store read to learn no rule wants it.
const CACHE_MS = 5000;
const cached = new WeakMap<object, { until: number; rules: Promise<StoredRule[]> }>();
function allRules(m: Models): Promise<StoredRule[]> {
  const hit = cached.get(m);
  if (hit && hit.until > Date.now()) return hit.rules;
  const rules = m.automationRules.all();
  cached.set(m, { until: Date.now() + CACHE_MS, rules });
  rules.catch(() => cached.delete(m));
  return rules;
}
const forget = (m: Models) => cached.delete(m);

/** The enabled rules of one trigger, in order. */
export async function enabledRules(m: Models, trigger: RuleTrigger): Promise<StoredRule[]> {
  return (await allRules(m)).filter((r) => r.enabled && r.event === trigger);
}

/**
 * Whether any enabled rule listens to the event's type and can match it by the event and the conversation as
 * published (./conditions.ts mayMatch).
 */
export async function anyRuleMayMatch(m: Models, event: AutomationEvent, conversation: ConversationFacts | null): Promise<boolean> {
  let folded: string | undefined;
  const text = () => (folded ??= foldText(event.text ?? ''));
  return (await allRules(m)).some((r) => r.enabled && r.event === event.type && mayMatch(r, event, conversation, text));
}

const subjectOf = (r: StoredRule): AuditSubject => ({ type: 'automation_rule', id: r._id, name: r.name });
const oid = (id: string) => new Types.ObjectId(id);
const notFound = () => new KanalError('not_found', 'rule not found');

/** A rule's webhooks must exist when it is saved (a webhook removed later fails that action in the log). */
async function checkReferences(m: Models, input: Pick<RuleInput, 'actions'>): Promise<void> {
  for (const [i, a] of input.actions.entries()) {
    if (a.type === 'send_webhook' && !(await m.webhooks.byId(oid(a.webhookId)))) {
      throw new KanalError('unprocessable', `action ${i + 1}: no such webhook`, { details: { action: i + 1, problem: 'webhook_missing' } });
    }
  }
}

const fieldsOf = (input: RuleInput) => ({
  name: input.name, enabled: input.enabled, event: input.event, afterMinutes: isTimeTrigger(input.event) ? input.afterMinutes ?? null : null,
  conditions: input.conditions, anyOf: input.anyOf, actions: input.actions,
});

export async function listRules(m: Models): Promise<RuleView[]> {
  return (await m.automationRules.all()).map(toRuleView);
}

export async function getRule(m: Models, id: string): Promise<RuleView> {
  const r = await m.automationRules.byId(oid(id));
  if (!r) throw notFound();
  return toRuleView(r);
}

/** A new rule goes last. */
export async function createRule(m: Models, actor: AuditActor, input: RuleInput): Promise<RuleView> {
  await checkReferences(m, input);
  const all = await m.automationRules.all();
  if (all.length >= MAX_RULES) throw new KanalError('conflict', `at most ${MAX_RULES} rules`);
  const position = all.reduce((max, r) => Math.max(max, r.position + 1), 0);
  const created = await m.automationRules.create({ ...fieldsOf(input), position, updatedBy: actor.name });
  await audit(m, actor, 'automation_rule.created', subjectOf(created), {}, toRuleView(created));
  forget(m);
  return toRuleView(created);
}

/** Replaces what an admin edits (the whole rule) or just turns it on or off. */
export async function updateRule(m: Models, actor: AuditActor, id: string, change: { input: RuleInput } | { enabled: boolean }): Promise<RuleView> {
  const before = await m.automationRules.byId(oid(id));
  if (!before) throw notFound();
  if ('input' in change) await checkReferences(m, change.input);
  const set = 'input' in change ? fieldsOf(change.input) : { enabled: change.enabled };
  const after = await m.automationRules.update(before._id, { ...set, updatedBy: actor.name });
  if (!after) throw notFound();
  const action = 'input' in change ? 'automation_rule.updated' : change.enabled ? 'automation_rule.enabled' : 'automation_rule.disabled';
  await audit(m, actor, action, subjectOf(after), toRuleView(before), toRuleView(after));
  forget(m);
  return toRuleView(after);
}

export async function deleteRule(m: Models, actor: AuditActor, id: string): Promise<void> {
  const before = await m.automationRules.byId(oid(id));
  if (!before || !(await m.automationRules.remove(before._id))) throw notFound();
  await audit(m, actor, 'automation_rule.deleted', subjectOf(before), toRuleView(before), {});
  forget(m);
}

/** Sets the order: `ids` must name every rule once. One audit entry with the order before and after. */
export async function reorderRules(m: Models, actor: AuditActor, ids: string[]): Promise<RuleView[]> {
  const all = await m.automationRules.all();
  const known = new Set(all.map((r) => String(r._id)));
  if (ids.length !== all.length || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
    throw new KanalError('invalid_input', 'the order must name every rule exactly once');
  }
  // Single-document writes (the store has no transactions); a crash half-way leaves a valid, if mixed, order.
  for (const [position, id] of ids.entries()) {
    const rule = all.find((r) => String(r._id) === id)!;
    if (rule.position !== position) await m.automationRules.update(rule._id, { position });
  }
  await audit(m, actor, 'automation_rule.reordered', { type: 'automation_rule', id: null, name: 'order' }, { order: all.map((r) => r.name) }, { order: ids.map((id) => all.find((r) => String(r._id) === id)!.name) });
  forget(m);
  return listRules(m);
}
