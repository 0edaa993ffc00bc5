import { isKanalError, KanalError } from '../../domain/errors';
import type { UndoField, UndoResult } from '../../domain/actions';
import type { ConversationStatus } from '../../domain/views';
import type { StoredConversation } from '../../store';
import { setConversationAttributes } from '../crm/attributes';
import { changeLabels } from '../conversations/labels';
import { assignConversation, changeStatus, type ConversationEffects } from '../conversations/lifecycle';
import type { Actor } from '../conversations/inbox';
import { changeRouting } from '../routing/routing';
import type { Applied } from './execute';
import { currentOf, same, type Snapshot } from './snapshot';

/**
 * Puts back what an applied list changed, field by field, through the same services as by hand. A field someone
 * changed after the list keeps their value ('changed_since'); a reply already went to the customer and a note stays
 * in the thread, so those are reported, not undone. A restore the hub refuses now (the old assignee was disabled,
 * the customer has another open conversation) is reported with the reason and the other fields still go back.
 */
export async function undoApplied(
  fx: ConversationEffects, actor: Actor, c: StoredConversation, applied: Pick<Applied, 'before' | 'after' | 'labelsAdded' | 'labelsRemoved' | 'replies' | 'notes'>,
): Promise<UndoResult> {
  const id = String(c._id);
  const result: UndoResult = { restored: [], kept: [] };
  const now = currentOf(c, applied.after);
  const { before, after } = applied;
  const attempt = async (field: UndoField, restore: () => Promise<unknown>) => {
    try {
      await restore();
      result.restored.push(field);
    } catch (err) {
      if (!isKanalError(err) || err.code === 'internal' || err.code === 'unavailable') throw err;
      result.kept.push({ field, reason: 'refused', detail: err.message });
    }
  };
  const unchanged = (field: UndoField & keyof Snapshot) => {
    if (!(field in after) || same(before[field], after[field])) return false; // the list did not get to change it
    if (same(now[field], after[field])) return true;
    result.kept.push({ field, reason: 'changed_since' });
    return false;
  };

  for (const _ of applied.replies) result.kept.push({ field: 'reply', reason: 'reply_sent' });
  for (const _ of applied.notes) result.kept.push({ field: 'note', reason: 'note_kept' });

  // Assignment: restoring what this agent's own macro displaced is allowed even where assigning that person by hand
  // would not be (an agent who took a colleague's conversation by macro gives it back), hence the supervisor's rights.
  const assigneeBack = unchanged('assignee');
  const teamBack = unchanged('team');
  if (assigneeBack || teamBack) {
    const restorer: Actor = { ...actor, role: 'supervisor' };
    const assigneeId = assigneeBack ? (before.assignee ?? null) : (c.assigneeId ? String(c.assigneeId) : null);
    await attempt(assigneeBack ? 'assignee' : 'team', () => assignConversation(fx, restorer, id, teamBack ? { assigneeId, teamId: before.team ?? null } : { assigneeId }));
    if (assigneeBack && teamBack && result.restored.includes('assignee')) result.restored.push('team');
  }

  const add = applied.labelsRemoved.filter((l) => !(c.labels ?? []).includes(l));
  const remove = applied.labelsAdded.filter((l) => (c.labels ?? []).includes(l));
  if (add.length || remove.length) await attempt('labels', () => changeLabels(fx.models, fx.events, id, { add, remove }));

  if (unchanged('priority')) {
    await attempt('priority', async () => {
      if (!fx.routing) throw new KanalError('unavailable', 'routing is not running in this process');
      await changeRouting(fx.routing, actor, id, { priority: before.priority ?? 0 });
    });
  }

  if (after.attributes) {
    const changed = Object.keys(after.attributes).filter((k) => !same(before.attributes?.[k], after.attributes?.[k]));
    const keys = changed.filter((k) => same(now.attributes?.[k], after.attributes?.[k]));
    if (keys.length < changed.length) result.kept.push({ field: 'attributes', reason: 'changed_since' });
    if (keys.length) await attempt('attributes', () => setConversationAttributes(fx.models, id, Object.fromEntries(keys.map((k) => [k, before.attributes?.[k] ?? null]))));
  }

  if (unchanged('status') && before.status) {
    const wasUntil = before.status.snoozedUntil ? new Date(before.status.snoozedUntil) : null;
    // A snooze whose time has passed meanwhile would have woken up: it goes back to open.
    const status = (before.status.status === 'snoozed' && (!wasUntil || wasUntil.getTime() <= Date.now()) ? 'open' : before.status.status) as ConversationStatus;
    // Undoing a reopen resolves again without a second survey.
    await attempt('status', () => changeStatus(fx, actor, id, status === 'snoozed' ? { status, snoozedUntil: wasUntil! } : { status }, undefined, { survey: false }));
  }
  return result;
}
