import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { AssignPicker } from './AssignPicker';
import { SnoozeMenu } from './SnoozeMenu';
import { STATUS_LIST, type ConversationStatus, type ConversationView, type Me, type Team } from './types';

/** Priority presets: the queue score clamps to -40..40 (src/services/routing/routing-state.ts queueScore). */
const PRIORITIES = [{ key: 'low', value: -10 }, { key: 'normal', value: 0 }, { key: 'high', value: 10 }, { key: 'urgent', value: 20 }];

/** Assign / unassign, status and (supervisors) priority changes; the result arrives back as a conversation.updated event too. */
export function Actions({ conversation, me }: { conversation: ConversationView; me: Me; teams: Team[] }) {
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const run = (p: Promise<unknown>) => p.then(() => setError(''), (err: Error) => setError(err.message));
  const assign = (assigneeId: string | null) => run(api(`/conversations/${conversation.id}/assign`, { body: { assigneeId } }));
  const status = (s: ConversationStatus, snoozedUntil?: string) =>
    run(api(`/conversations/${conversation.id}/status`, { body: snoozedUntil ? { status: s, snoozedUntil } : { status: s } }));
  const mine = conversation.assigneeId === me.id;
  // Priority orders the team's queue (higher first); supervisors and admins set it (PATCH .../routing).
  const [priority, setPriority] = useState(conversation.priority);
  useEffect(() => setPriority(conversation.priority), [conversation.priority]);
  const changePriority = (p: number) => {
    setPriority(p);
    void run(api(`/conversations/${conversation.id}/routing`, { method: 'PATCH', body: { priority: p } }));
  };
  const levels = PRIORITIES.some((l) => l.value === priority) ? PRIORITIES : [...PRIORITIES, { key: 'custom', value: priority }].sort((a, b) => a.value - b.value);

  return (
    <div className="actions" role="toolbar" aria-label={t('assign')}>
      {mine ? (
        <button type="button" onClick={() => void assign(null)}>{t('unassign')}</button>
      ) : (
        <button type="button" data-action="assign" onClick={() => void assign(me.id)}>{t('assignToMe')}</button>
      )}
      <AssignPicker conversation={conversation} me={me} onError={setError} />
      <label>
        <span className="sr-only">{t('setStatus')}</span>
        <select value={conversation.status} onChange={(e) => void status(e.target.value as ConversationStatus)} disabled={false}>
          {STATUS_LIST.filter((s) => s !== 'snoozed' || conversation.status === 'snoozed').map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
        </select>
      </label>
      {me.role !== 'agent' && (
        <label className="priority">
          <span className="sr-only">{t('priority')}</span>
          <select value={priority} onChange={(e) => changePriority(Number(e.target.value))} aria-label={t('priority')}>
            {levels.map((l) => <option key={l.key} value={l.value}>{l.key === 'custom' ? t('priorityValue', { value: l.value }) : t(`priority_${l.key}`)}</option>)}
          </select>
        </label>
      )}
      <SnoozeMenu conversationId={conversation.id} onSnooze={(snoozedUntil) => api(`/conversations/${conversation.id}/status`, { body: { status: 'snoozed', snoozedUntil } })} />
      {conversation.status !== 'resolved' ? (
        <button type="button" className="primary" data-action="resolve" onClick={() => void status('resolved')}>{t('resolve')}</button>
      ) : (
        <button type="button" onClick={() => void status('open')}>{t('reopen')}</button>
      )}
      {error && <span role="alert" className="error">{error}</span>}
    </div>
  );
}
