import { Types } from 'mongoose';
import type { AuditActor, Models } from '../../store';

/** The record an action changed: its kind, its id (none for a global setting) and a readable name for the summary. */
export type AuditSubject = { type: string; id: Types.ObjectId | string | null; name?: string };

/** Field names whose values are secrets: stored as a mask, so the trail never holds a credential. */
const SECRET_FIELD = /(secret|password|hash|token|apikey|credential)s?$/i;
export const MASK = '••••••';

/** A plain-JSON copy (ObjectIds, Dates as strings) with every secret field masked, at any depth. */
export function masked(value: unknown): unknown {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_FIELD.test(k) && x !== null && x !== '' ? MASK : walk(x)]));
  };
  return walk(plain);
}

/**
 * The fields that changed between two states (both masked): a create keeps all of `after`, a delete all of
 * `before`, an edit only the fields whose value differs (a secret that changed shows as masked on both sides).
 */
export function changedFields(before: object, after: object): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b = (masked(before) ?? {}) as Record<string, unknown>;
  const a = (masked(after) ?? {}) as Record<string, unknown>;
  if (!Object.keys(b).length || !Object.keys(a).length) return { before: b, after: a };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  // A secret rotated: the masks are equal, yet the value changed; the raw states tell.
  for (const k of Object.keys(a)) {
    if (SECRET_FIELD.test(k) && !keys.includes(k) && JSON.stringify((before as Record<string, unknown>)[k]) !== JSON.stringify((after as Record<string, unknown>)[k])) keys.push(k);
  }
  return { before: Object.fromEntries(keys.map((k) => [k, b[k] ?? null])), after: Object.fromEntries(keys.map((k) => [k, a[k] ?? null])) };
}

/**
 * Records one admin or supervisor change: who (`actor`), what (`action`, e.g. 'agent.disabled'), on which record,
 * and the changed fields before and after (secrets masked). Every admin/supervisor write path calls this after its
 * write succeeded, so the trail holds only changes that happened. Returns the entry's id.
 */
export async function audit(m: Models, actor: AuditActor, action: string, subject: AuditSubject, before: object, after: object): Promise<Types.ObjectId> {
  const diff = changedFields(before, after);
  const fields = Object.keys({ ...diff.before, ...diff.after });
  const what = subject.name ? `${subject.type} "${subject.name}"` : subject.type;
  const summary = `${actor.name}: ${action} ${what}${fields.length && Object.keys(diff.before).length && Object.keys(diff.after).length ? ` (${fields.join(', ')})` : ''}`;
  const id = typeof subject.id === 'string' ? (/^[0-9a-f]{24}$/i.test(subject.id) ? new Types.ObjectId(subject.id) : null) : subject.id;
  return m.audit.record({
    action, actor: { id: actor.id, name: actor.name }, subjectType: subject.type, subjectName: subject.name ?? '', subjectId: id, before: diff.before, after: diff.after, summary,
  });
}
