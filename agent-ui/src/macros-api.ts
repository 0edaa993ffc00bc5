// Macros as the hub sends them (src/http/routes/macros.ts); the action vocabulary's types come from src/domain.
import type { TFunction } from 'i18next';
import type { Action, ActionType, KeptReason, UndoResult } from '../../src/domain/actions';
import { api } from './api';
import type { ConversationView } from './types';

export type { Action, ActionType, KeptReason, UndoResult };
export interface Macro {
  id: string; name: string; actions: Action[]; visibility: 'personal' | 'shared'; ownerId: string; ownerName: string; editable: boolean; updatedAt: string;
}
export interface MacroRun { macroId: string; macroName: string; appliedAt: string; replies: number }
export type UndoAnswer = UndoResult & { conversation: ConversationView; macroName: string };

/** The kinds an action can be, in the order the editor offers them. */
export const ACTION_KINDS: ActionType[] = ['add_labels', 'remove_labels', 'send_canned', 'add_note', 'set_status', 'snooze', 'assign_agent', 'assign_team', 'set_priority', 'set_attribute'];
/** The snooze lengths offered (minutes): an hour, four hours, a day, three days, a week. */
export const SNOOZE_PRESETS = [60, 240, 1440, 4320, 10080];
/** The priority presets of the thread's control (agent-ui/src/Actions.tsx). */
export const PRIORITY_PRESETS = [{ key: 'low', value: -10 }, { key: 'normal', value: 0 }, { key: 'high', value: 10 }, { key: 'urgent', value: 20 }];

export const listMacros = () => api<Macro[]>('/macros');
/** A refused application: `problem` and `action` (1-based) when the hub names them, to say it in the agent's language. */
export class MacroRefused extends Error {
  constructor(message: string, readonly problem?: string, readonly action?: number) {
    super(message);
  }
}
export async function applyMacro(conversationId: string, macroId: string): Promise<{ conversation: ConversationView; run: MacroRun | null }> {
  const res = await fetch(`/api/conversations/${conversationId}/macros/apply`, {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ macroId }),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string; problem?: string; action?: number; reason?: string };
  if (!res.ok) throw new MacroRefused(data.error ?? res.statusText, data.problem, data.action);
  return data as { conversation: ConversationView; run: MacroRun | null };
}
/** Why the hub refused, in the agent's language where it said why in a known way, else its own words. */
export const refusalText = (err: unknown, t: TFunction) =>
  err instanceof MacroRefused && err.problem ? t(`macroProblem_${err.problem}`, { action: err.action }) : (err as Error).message;
export const undoMacro = (conversationId: string) => api<UndoAnswer>(`/conversations/${conversationId}/macros/undo`, { method: 'POST' });
export const lastRun = (conversationId: string) => api<{ last: MacroRun | null }>(`/conversations/${conversationId}/macros/last`).then((r) => r.last, () => null);

/** Names the editor and the list show for ids (agents, teams, canned responses). */
export interface Names { agents: Map<string, string>; teams: Map<string, string>; canned: Map<string, string> }

export function snoozeText(minutes: number, t: TFunction): string {
  if (minutes % 1440 === 0) return t('macroSnoozeDays', { count: minutes / 1440 });
  if (minutes % 60 === 0) return t('macroSnoozeHours', { count: minutes / 60 });
  return t('macroSnoozeMinutes', { count: minutes });
}

/** One action as a short sentence ("Add labels: iade, kargo"). */
export function describeAction(a: Action, names: Names, t: TFunction): string {
  const priority = (p: number) => {
    const preset = PRIORITY_PRESETS.find((x) => x.value === p);
    return preset ? t(`priority_${preset.key}`) : t('priorityValue', { value: p });
  };
  switch (a.type) {
    case 'add_labels': return t('macroDo_add_labels', { labels: a.labels.join(', ') });
    case 'remove_labels': return t('macroDo_remove_labels', { labels: a.labels.join(', ') });
    case 'send_canned': return t('macroDo_send_canned', { title: names.canned.get(a.cannedId) ?? '?' });
    case 'add_note': return t('macroDo_add_note', { text: a.text.length > 40 ? `${a.text.slice(0, 40)}…` : a.text });
    case 'set_status': return t('macroDo_set_status', { status: t(`status_${a.status}`) });
    case 'snooze': return t('macroDo_snooze', { time: snoozeText(a.minutes, t) });
    case 'assign_agent': return a.agentId ? t('macroDo_assign_agent', { name: names.agents.get(a.agentId) ?? '?' }) : t('macroDo_unassign');
    case 'assign_team': return a.teamId ? t('macroDo_assign_team', { name: names.teams.get(a.teamId) ?? '?' }) : t('macroDo_no_team');
    case 'set_priority': return t('macroDo_set_priority', { priority: priority(a.priority) });
    case 'set_attribute': return a.value === null || a.value === '' ? t('macroDo_clear_attribute', { key: a.key }) : t('macroDo_set_attribute', { key: a.key, value: Array.isArray(a.value) ? a.value.join(', ') : String(a.value) });
  }
}

/** What an undo left as it was, in words (a sent reply, a note, a field someone changed since). */
export function keptText(kept: UndoResult['kept'], t: TFunction): string[] {
  const out: string[] = [];
  const replies = kept.filter((k) => k.reason === 'reply_sent').length;
  if (replies) out.push(t('macroKept_reply_sent', { count: replies }));
  if (kept.some((k) => k.reason === 'note_kept')) out.push(t('macroKept_note_kept'));
  for (const k of kept.filter((x) => x.reason === 'changed_since')) out.push(t('macroKept_changed_since', { field: t(`macroField_${k.field}`) }));
  for (const k of kept.filter((x) => x.reason === 'refused')) out.push(t('macroKept_refused', { field: t(`macroField_${k.field}`), detail: k.detail ?? '' }));
  return out;
}
