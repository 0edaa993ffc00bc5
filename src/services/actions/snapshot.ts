import type { StoredConversation } from '../../store';
import type { Plan } from './plan';

/**
 * The fields of a conversation a plan changes, as plain JSON (ids as strings, dates as ISO strings): taken before
 * and after applying it, stored with the run, and compared on undo (a field is restored only while it still holds
 * what the list left there).
 */
export interface Snapshot {
  assignee?: string | null;
  team?: string | null;
  priority?: number;
  status?: { status: string; snoozedUntil: string | null };
  attributes?: Record<string, unknown>;
}

const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

export function snapshotOf(c: StoredConversation, plan: Plan, attributeKeys: string[]): Snapshot {
  const s: Snapshot = {};
  if (plan.assignment) s.assignee = c.assigneeId ? String(c.assigneeId) : null;
  if (plan.assignment && 'teamId' in plan.assignment) s.team = c.teamId ? String(c.teamId) : null;
  if (plan.priority !== undefined) s.priority = c.priority ?? 0;
  if (plan.status) s.status = { status: c.status, snoozedUntil: c.snoozedUntil ? new Date(c.snoozedUntil).toISOString() : null };
  if (attributeKeys.length) s.attributes = Object.fromEntries(attributeKeys.map((k) => [k, plain((c.attributes ?? {})[k])]));
  return s;
}

/** The same fields of `c` now, to compare with a stored snapshot. */
export function currentOf(c: StoredConversation, like: Snapshot): Snapshot {
  const s: Snapshot = {};
  if ('assignee' in like) s.assignee = c.assigneeId ? String(c.assigneeId) : null;
  if ('team' in like) s.team = c.teamId ? String(c.teamId) : null;
  if ('priority' in like) s.priority = c.priority ?? 0;
  if (like.status) s.status = { status: c.status, snoozedUntil: c.snoozedUntil ? new Date(c.snoozedUntil).toISOString() : null };
  if (like.attributes) s.attributes = Object.fromEntries(Object.keys(like.attributes).map((k) => [k, plain((c.attributes ?? {})[k])]));
  return s;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
