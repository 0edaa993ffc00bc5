import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { byAvailability, canAssignTo, loadAssignees, type Assignee } from './assignees';
import { forEachConversation } from './bulk-select';
import { STATUS_LIST, type ConversationStatus, type Me } from './types';

/** Actions on the selected conversations: assign, label, status, resolve. Each goes through the one-conversation API. */
export function BulkBar({ me, selected, onClear }: { me: Me; selected: ReadonlySet<string>; onClear: () => void }) {
  const { t } = useTranslation();
  const [agents, setAgents] = useState<Assignee[]>([]);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  useEffect(() => {
    loadAssignees().then((a) => setAgents(a.agents.filter((x) => canAssignTo(me, x.id)).sort(byAvailability)), () => setAgents([]));
  }, [me]);
  const ids = [...selected];
  async function apply(run: (id: string) => Promise<unknown>) {
    setBusy(true);
    setNote('');
    const failed = await forEachConversation(ids, run);
    setBusy(false);
    if (failed.length) setNote(t('bulkFailed', { failed: failed.length, total: ids.length, error: failed[0]!.error }));
    else {
      setNote(t('bulkDone', { count: ids.length }));
      onClear();
    }
  }
  const status = (s: ConversationStatus) => apply((id) => api(`/conversations/${id}/status`, { body: { status: s } }));
  const addLabel = (e: FormEvent) => {
    e.preventDefault();
    const l = label.trim();
    if (l) void apply((id) => api(`/conversations/${id}/labels`, { body: { add: [l] } })).then(() => setLabel(''));
  };
  if (!selected.size) return note ? <p className="bulk-note" role="status">{note}</p> : null;
  return (
    <div className="bulk-bar" role="toolbar" aria-label={t('bulkActions')}>
      <span className="bulk-count">{t('bulkSelected', { count: selected.size })}</span>
      <button type="button" className="primary" data-action="bulk-resolve" disabled={busy} onClick={() => void status('resolved')}>{t('resolve')}</button>
      <button type="button" onClick={onClear} disabled={busy}>{t('bulkClear')}</button>
      <select aria-label={t('bulkAssign')} value="" disabled={busy} onChange={(e) => e.target.value && void apply((id) => api(`/conversations/${id}/assign`, { body: { assigneeId: e.target.value } }))}>
        <option value="">{t('bulkAssign')}</option>
        {agents.map((a) => <option key={a.id} value={a.id}>{`${a.name} · ${t(`presence_${a.presence}`)} · ${a.load}/${a.capacity}`}</option>)}
      </select>
      <select aria-label={t('setStatus')} value="" disabled={busy} onChange={(e) => e.target.value && void status(e.target.value as ConversationStatus)}>
        <option value="">{t('setStatus')}</option>
        {STATUS_LIST.filter((s) => s !== 'snoozed').map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
      </select>
      <form onSubmit={addLabel} className="bulk-label">
        <input aria-label={t('bulkLabel')} placeholder={t('bulkLabel')} value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} disabled={busy} />
        <button type="submit" disabled={busy || !label.trim()}>{t('bulkAddLabel')}</button>
      </form>
      {note && <span role="status" className="bulk-note">{note}</span>}
    </div>
  );
}
