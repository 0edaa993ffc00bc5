import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { labelList, labelStyle } from './shared-lists';
import type { ConversationView } from './types';

/**
 * The conversation's labels in their admin-set colours: remove with ×, add by typing (existing labels are offered);
 * the server normalizes (lowercase, Turkish-aware).
 */
export function Labels({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const known = labelList.useList();
  const colour = (l: string) => known.find((k) => k.name === l)?.colour;
  const change = (body: { add?: string[]; remove?: string[] }) =>
    api(`/conversations/${conversation.id}/labels`, { body }).then(() => { setError(''); if (body.add) labelList.refresh(); }, (err: Error) => setError(err.message));
  async function add(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    await change({ add: [draft] });
    setDraft('');
  }
  return (
    <div className="labels" aria-label={t('labels')} role="group">
      {(conversation.labels ?? []).map((l) => (
        <span key={l} className="label" style={labelStyle(colour(l))}>
          {l}
          <button type="button" aria-label={t('removeLabel', { label: l })} onClick={() => void change({ remove: [l] })}>×</button>
        </span>
      ))}
      <form onSubmit={add}>
        <input aria-label={t('addLabel')} placeholder={`+ ${t('addLabel')}`} value={draft} maxLength={40} list="known-labels" onChange={(e) => setDraft(e.target.value)} />
        <datalist id="known-labels">{known.map((k) => <option key={k.name} value={k.name} />)}</datalist>
      </form>
      {error && <span role="alert" className="error">{error}</span>}
    </div>
  );
}
