import { MAX_LABELS, normalizeLabel } from '../../domain/labels';
import { KanalError } from '../../domain/errors';
import type { Action } from '../../domain/actions';
import type { AttributeValue } from '../../domain/attributes';
import type { Models, StoredConversation } from '../../store';
import { checkedValues } from '../crm/attributes';
import { oid, type Actor } from '../conversations/inbox';

/**
 * An action list checked against one conversation and the person applying it, before anything changes: every
 * reference still exists (canned response, agent, team, attribute), the labels stay within the limit, and the
 * person may do each thing by hand (a list never grants more). What would change nothing is left out, so a
 * second application records no events. Each failure is a KanalError the API answers with 4xx.
 */
export interface Plan {
  messages: ({ kind: 'reply'; text: string; cannedId: string } | { kind: 'note'; text: string })[];
  /** One assignment call: the final assignee, and the team when the list moves it. */
  assignment?: { assigneeId: string | null; teamId?: string | null };
  labels?: { add: string[]; remove: string[] };
  priority?: number;
  /** Checked values to write (null clears), by key. */
  attributes?: Record<string, AttributeValue | null>;
  status?: { status: 'open' | 'pending' | 'resolved' } | { status: 'snoozed'; snoozedUntil: Date };
}

/** Why a list was refused, for the console to say in the agent's language (sent as `problem`, with the 1-based `action`). */
export type PlanProblem = 'canned_missing' | 'agent_missing' | 'team_missing' | 'assign_self_only' | 'own_teams_only' | 'too_many_labels' | 'priority_staff_only' | 'other_unresolved';
const refuse = (code: 'forbidden' | 'unprocessable' | 'invalid_input' | 'conflict', problem: PlanProblem, message: string, action: number) =>
  new KanalError(code, message, { details: { action, problem } });

export async function planActions(m: Models, actor: Actor, c: StoredConversation, actions: Action[], now = new Date()): Promise<Plan> {
  const plan: Plan = { messages: [] };
  const index = (a: Action) => actions.indexOf(a) + 1;
  const find = <T extends Action['type']>(type: T) => actions.find((a): a is Extract<Action, { type: T }> => a.type === type);

  for (const a of actions) {
    if (a.type === 'send_canned') {
      const canned = await m.canned.byId(oid(a.cannedId, 'cannedId'));
      if (!canned) throw refuse('unprocessable', 'canned_missing', `action ${index(a)}: its canned response no longer exists`, index(a));
      plan.messages.push({ kind: 'reply', text: canned.text, cannedId: a.cannedId });
    } else if (a.type === 'add_note') {
      plan.messages.push({ kind: 'note', text: a.text });
    }
  }

  const agentStep = find('assign_agent');
  const teamStep = find('assign_team');
  if (agentStep?.agentId) {
    const agent = await m.agents.byId(oid(agentStep.agentId, 'agentId'));
    if (!agent || agent.disabled) throw refuse('unprocessable', 'agent_missing', `action ${index(agentStep)}: its agent no longer exists or is disabled`, index(agentStep));
  }
  if (teamStep?.teamId && !(await m.teams.exists(oid(teamStep.teamId, 'teamId')))) {
    throw refuse('unprocessable', 'team_missing', `action ${index(teamStep)}: its team no longer exists`, index(teamStep));
  }
  if (agentStep || teamStep) {
    // Handing to a team leaves it unassigned for the team's routing, as the hand-off picker does, unless the list
    // names the agent too.
    const assigneeId = agentStep ? agentStep.agentId : null;
    const current = c.assigneeId ? String(c.assigneeId) : null;
    const teamId = teamStep ? teamStep.teamId : undefined;
    const teamChanges = teamId !== undefined && teamId !== (c.teamId ? String(c.teamId) : null);
    if (assigneeId !== current || teamChanges) {
      // The rules of assigning by hand (src/services/conversations/lifecycle.ts assignConversation), checked first.
      if (actor.role === 'agent') {
        const step = agentStep ?? teamStep!;
        if (!(assigneeId === actor.id || (assigneeId === null && current === actor.id))) {
          throw refuse('forbidden', 'assign_self_only', `action ${index(step)}: agents may only assign conversations to themselves or hand back their own`, index(step));
        }
        if (teamId && !actor.teamIds.includes(teamId)) throw refuse('forbidden', 'own_teams_only', `action ${index(teamStep!)}: agents may only move conversations to their own teams`, index(teamStep!));
      }
      plan.assignment = teamChanges ? { assigneeId, teamId } : { assigneeId };
    }
  }

  const add = [...new Set(actions.flatMap((a) => (a.type === 'add_labels' ? a.labels.map(normalizeLabel) : [])))];
  const remove = [...new Set(actions.flatMap((a) => (a.type === 'remove_labels' ? a.labels.map(normalizeLabel) : [])))];
  const had = new Set(c.labels ?? []);
  const labels = { add: add.filter((l) => !had.has(l)), remove: remove.filter((l) => had.has(l)) };
  if (labels.add.length || labels.remove.length) {
    const after = new Set([...had, ...labels.add].filter((l) => !labels.remove.includes(l)));
    if (after.size > MAX_LABELS) throw refuse('invalid_input', 'too_many_labels', `the conversation would have ${after.size} labels; at most ${MAX_LABELS}`, index(find('add_labels')!));
    plan.labels = labels;
  }

  const priority = find('set_priority');
  if (priority && priority.priority !== (c.priority ?? 0)) {
    if (actor.role === 'agent') throw refuse('forbidden', 'priority_staff_only', `action ${index(priority)}: only supervisors and admins change the priority`, index(priority));
    plan.priority = priority.priority;
  }

  const attributeSteps = actions.filter((a): a is Extract<Action, { type: 'set_attribute' }> => a.type === 'set_attribute');
  if (attributeSteps.length) {
    const checked = await checkedValues(m, 'conversation', Object.fromEntries(attributeSteps.map((a) => [a.key, a.value])));
    const current = c.attributes ?? {};
    const wanted: Record<string, AttributeValue | null> = { ...checked.set, ...Object.fromEntries(checked.unset.map((k) => [k, null])) };
    const changes = Object.entries(wanted).filter(([k, v]) => JSON.stringify(current[k] ?? null) !== JSON.stringify(v));
    if (changes.length) plan.attributes = Object.fromEntries(changes);
  }

  const status = find('set_status');
  const snooze = find('snooze');
  if (snooze) plan.status = { status: 'snoozed', snoozedUntil: new Date(now.getTime() + snooze.minutes * 60_000) };
  else if (status && status.status !== c.status) plan.status = { status: status.status };
  // Reopening a resolved conversation while the customer has another unresolved one is refused by the status write
  // (one per customer); asked here, it is refused before the reply and the rest.
  if (plan.status && plan.status.status !== 'resolved' && c.status === 'resolved') {
    const other = await m.conversations.unresolvedOf(c.customerId);
    if (other && String(other._id) !== String(c._id)) {
      const step = snooze ?? status!;
      throw refuse('conflict', 'other_unresolved', `action ${index(step)}: the customer already has another unresolved conversation`, index(step));
    }
  }
  return plan;
}

/** Nothing to do: every action already holds (and no message to send). */
export const isEmptyPlan = (p: Plan) =>
  !p.messages.length && !p.assignment && !p.labels && p.priority === undefined && !p.attributes && !p.status;
