import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { STATUS_LIST, type ConversationStatus, type ConversationView, type Me, type Team } from './types';

/** Assign / unassign and status changes; the result arrives back as a conversation.updated event too. */
export function Actions({ conversation, me }: { conversation: ConversationView; me: Me; teams: Team[] }) {
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const [snoozeAt, setSnoozeAt] = useState('');
  const run = (p: Promise<unknown>) => p.then(() => setError(''), (err: Error) => setError(err.message));
  const assign = (assigneeId: string | null) => run(api(`/conversations/${conversation.id}/assign`, { body: { assigneeId } }));
  const status = (s: ConversationStatus, snoozedUntil?: string) =>
    run(api(`/conversations/${conversation.id}/status`, { body: snoozedUntil ? { status: s, snoozedUntil } : { status: s } }));
  const mine = conversation.assigneeId === me.id;

  return (
    <div className="actions" role="toolbar" aria-label={t('assign')}>
      {mine ? (
        <button type="button" onClick={() => void assign(null)}>{t('unassign')}</button>
      ) : (
        <button type="button" data-action="assign" onClick={() => void assign(me.id)}>{t('assignToMe')}</button>
      )}
      <label>
        <span className="sr-only">{t('setStatus')}</span>
        <select value={conversation.status} onChange={(e) => void status(e.target.value as ConversationStatus)} disabled={false}>
          {STATUS_LIST.filter((s) => s !== 'snoozed' || conversation.status === 'snoozed').map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
        </select>
      </label>
      <form
        className="snooze"
        onSubmit={(e) => {
          e.preventDefault();
          if (snoozeAt) void status('snoozed', new Date(snoozeAt).toISOString());
        }}
      >
        <label>
          <span className="sr-only">{t('snoozeUntil')}</span>
          <input type="datetime-local" value={snoozeAt} onChange={(e) => setSnoozeAt(e.target.value)} />
        </label>
        <button type="submit" disabled={!snoozeAt}>{t('snooze')}</button>
      </form>
      {conversation.status !== 'resolved' ? (
        <button type="button" className="primary" data-action="resolve" onClick={() => void status('resolved')}>{t('resolve')}</button>
      ) : (
        <button type="button" onClick={() => void status('open')}>{t('reopen')}</button>
      )}
      {error && <span role="alert" className="error">{error}</span>}
    </div>
  );
}
