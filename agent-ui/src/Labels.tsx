import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import type { ConversationView } from './types';

/** The conversation's labels: remove with ×, add by typing; the server normalizes (lowercase, Turkish-aware). */
export function Labels({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const change = (body: { add?: string[]; remove?: string[] }) =>
    api(`/conversations/${conversation.id}/labels`, { body }).then(() => setError(''), (err: Error) => setError(err.message));
  async function add(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    await change({ add: [draft] });
    setDraft('');
  }
  return (
    <div className="labels" aria-label={t('labels')} role="group">
      {(conversation.labels ?? []).map((l) => (
        <span key={l} className="label">
          {l}
          <button type="button" aria-label={t('removeLabel', { label: l })} onClick={() => void change({ remove: [l] })}>×</button>
        </span>
      ))}
      <form onSubmit={add}>
        <input aria-label={t('addLabel')} placeholder={`+ ${t('addLabel')}`} value={draft} maxLength={40} onChange={(e) => setDraft(e.target.value)} />
      </form>
      {error && <span role="alert" className="error">{error}</span>}
    </div>
  );
}
