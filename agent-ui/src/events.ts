import type { TFunction } from 'i18next';

// Conversation events are stored as English sentences by the hub (src/services/conversations/inbox.ts); the console shows them in
// the agent's language by recognizing the known shapes, and falls back to the stored text for anything else.
export function eventText(text: string, t: TFunction): string {
  let m = /^(.+) assigned the conversation to (.+)$/.exec(text);
  if (m) return t('event_assigned', { actor: m[1], assignee: m[2] });
  m = /^(.+) unassigned the conversation$/.exec(text);
  if (m) return t('event_unassigned', { actor: m[1] });
  m = /^(.+) set the status to (open|pending|snoozed|resolved)(?: until (\S+))?$/.exec(text);
  if (m) {
    const status = t(`status_${m[2]}`);
    if (!m[3]) return t('event_status', { actor: m[1], status });
    return t('event_status_until', { actor: m[1], status, until: new Date(m[3]).toLocaleString(t('locale'), { dateStyle: 'medium', timeStyle: 'short' }) });
  }
  return text;
}
