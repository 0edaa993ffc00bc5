import { z } from 'zod';

/**
 * The action vocabulary: what a macro (and later an automation rule) does to a conversation, as data. One zod
 * schema checks an action list wherever it enters (the macros API, rule definitions); the executor in
 * src/services/actions applies it through the same lifecycle services an agent's clicks use.
 */
const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');
const label = z.string().trim().min(1).max(40);
const attributeKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an attribute key: lowercase letters, digits and _');

/** Snoozes are relative in a stored action list ("for 2 days"): up to 90 days. */
export const MAX_SNOOZE_MINUTES = 90 * 24 * 60;
/** One list does a handful of things; more is a sign of a workflow that belongs in an automation rule. */
export const MAX_ACTIONS = 20;

export const actionSchema = z.discriminatedUnion('type', [
  /** Assign to an agent, or unassign (null). */
  z.object({ type: z.literal('assign_agent'), agentId: objectId.nullable() }),
  /** Move to a team, or to no team (null); the assignee stays. */
  z.object({ type: z.literal('assign_team'), teamId: objectId.nullable() }),
  z.object({ type: z.literal('add_labels'), labels: z.array(label).min(1).max(30) }),
  z.object({ type: z.literal('remove_labels'), labels: z.array(label).min(1).max(30) }),
  /** Queue order, as the thread's priority control sets it (-40..40; presets -10, 0, 10, 20). */
  z.object({ type: z.literal('set_priority'), priority: z.number().int().min(-40).max(40) }),
  z.object({ type: z.literal('set_status'), status: z.enum(['open', 'pending', 'resolved']) }),
  z.object({ type: z.literal('snooze'), minutes: z.number().int().min(1).max(MAX_SNOOZE_MINUTES) }),
  /** Sends a canned response's current text to the customer on the conversation's channel. */
  z.object({ type: z.literal('send_canned'), cannedId: objectId }),
  /** A private note for colleagues (never sent). */
  z.object({ type: z.literal('add_note'), text: z.string().trim().min(1).max(5000) }),
  /** A conversation attribute (checked against its definition when applied); null clears it. */
  z.object({ type: z.literal('set_attribute'), key: attributeKey, value: z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(200)).max(50), z.null()]) }),
]);

/**
 * A list is checked as a whole: each kind of field is set at most once (two status changes or two assignees in
 * one list would mean the last one wins silently), and a label is not both added and removed.
 */
export const actionListSchema = z.array(actionSchema).min(1).max(MAX_ACTIONS).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((a, i) => {
    const field = fieldOf(a);
    if (field === null) return;
    if (seen.has(field)) ctx.addIssue({ code: 'custom', path: [i], message: `${field} is already set by action ${seen.get(field)! + 1}` });
    else seen.set(field, i);
  });
  const added = new Set(list.flatMap((a) => (a.type === 'add_labels' ? a.labels.map(foldLabel) : [])));
  list.forEach((a, i) => {
    if (a.type === 'remove_labels' && a.labels.some((l) => added.has(foldLabel(l)))) ctx.addIssue({ code: 'custom', path: [i], message: 'a label cannot be both added and removed' });
  });
});

export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];
export const ACTION_TYPES = actionSchema.options.map((o) => o.shape.type.value) as ActionType[];

/** The conversation field an action sets, for the one-per-field rule (replies, notes and label edits can repeat). */
function fieldOf(a: Action): string | null {
  switch (a.type) {
    case 'assign_agent': return 'assignee';
    case 'assign_team': return 'team';
    case 'set_priority': return 'priority';
    case 'set_status': case 'snooze': return 'status';
    case 'set_attribute': return `attribute ${a.key}`;
    default: return null;
  }
}
const foldLabel = (l: string) => l.trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');

/** What the undo of an applied list restores, and what it leaves as it is (and why). */
export type UndoField = 'assignee' | 'team' | 'labels' | 'priority' | 'status' | 'attributes';
export type KeptReason =
  /** A reply went to the customer: it cannot be unsent. */
  | 'reply_sent'
  /** A private note stays in the thread, like any note. */
  | 'note_kept'
  /** Someone changed the field after the macro: their change is kept. */
  | 'changed_since'
  /** Restoring it was refused now (the assignee was disabled, the customer has another open conversation ...). */
  | 'refused';
export interface UndoResult {
  restored: UndoField[];
  kept: { field: UndoField | 'reply' | 'note'; reason: KeptReason; detail?: string }[];
}
