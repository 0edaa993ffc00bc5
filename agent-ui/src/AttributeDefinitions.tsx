import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinition, AttributeScope, AttributeType } from '../../src/domain/attributes';
import { api } from './api';

const SCOPES: AttributeScope[] = ['customer', 'conversation'];
const emptyDraft = { scope: 'customer' as AttributeScope, key: '', label: '', type: 'text' as AttributeDefinition['type'], options: '', multi: false, currency: 'TRY' };

/** Admins define the typed attributes of customers and conversations (every change is audited by the hub). */
export function AttributeDefinitions({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const [defs, setDefs] = useState<AttributeDefinition[]>([]);
  const [draft, setDraft] = useState(emptyDraft);
  const [error, setError] = useState('');
  const reload = () => void Promise.all(SCOPES.map((s) => api<AttributeDefinition[]>(`/attribute-definitions/${s}`))).then((all) => setDefs(all.flat()), () => {});
  useEffect(reload, []);
  const run = (p: Promise<unknown>) => p.then(() => { setError(''); reload(); onChanged(); }, (err: Error) => setError(err.message));

  const define = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      label: draft.label, type: draft.type,
      ...(draft.type === 'list' ? { options: draft.options.split(',').map((o) => o.trim()).filter(Boolean), multi: draft.multi } : {}),
      ...(draft.type === 'currency' ? { currency: draft.currency.toUpperCase() } : {}),
    };
    void run(api(`/attribute-definitions/${draft.scope}/${encodeURIComponent(draft.key)}`, { method: 'PUT', body }).then(() => setDraft(emptyDraft)));
  };
  const set = (k: keyof typeof emptyDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  // The console imports only types from src/domain (ATTRIBUTE_TYPES is a value): the type checks this list.
  const types: AttributeType[] = ['text', 'number', 'date', 'boolean', 'list', 'currency', 'url'];
  return (
    <section className="card" aria-labelledby="attrdefs-title">
      <h2 id="attrdefs-title">{t('attributeDefinitions')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      <table>
        <thead><tr><th>{t('attrScope')}</th><th>{t('attrKey')}</th><th>{t('attrLabel')}</th><th>{t('attrType')}</th><th /></tr></thead>
        <tbody>
          {defs.map((d) => (
            <tr key={`${d.scope}:${d.key}`}>
              <td>{t(`scope_${d.scope}`)}</td><td><code>{d.key}</code></td><td>{d.label}</td>
              <td>{t(`type_${d.type}`)}{d.options ? ` (${d.options.join(', ')})` : ''}{d.currency ? ` ${d.currency}` : ''}</td>
              <td><button type="button" onClick={() => void run(api(`/attribute-definitions/${d.scope}/${d.key}/remove`, { method: 'POST' }))}>{t('removeAttribute')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="row define-attribute" onSubmit={define}>
        <label>{t('attrScope')}<select value={draft.scope} onChange={set('scope')}>{SCOPES.map((s) => <option key={s} value={s}>{t(`scope_${s}`)}</option>)}</select></label>
        <label>{t('attrKey')}<input value={draft.key} onChange={set('key')} pattern="[a-z][a-z0-9_]{0,39}" required /></label>
        <label>{t('attrLabel')}<input value={draft.label} onChange={set('label')} required maxLength={80} /></label>
        <label>{t('attrType')}<select value={draft.type} onChange={set('type')}>{types.map((ty) => <option key={ty} value={ty}>{t(`type_${ty}`)}</option>)}</select></label>
        {draft.type === 'list' && <label>{t('attrOptions')}<input value={draft.options} onChange={set('options')} required /></label>}
        {draft.type === 'list' && <label><input type="checkbox" checked={draft.multi} onChange={(e) => setDraft((d) => ({ ...d, multi: e.target.checked }))} /> {t('attrMulti')}</label>}
        {draft.type === 'currency' && <label>{t('attrCurrency')}<input value={draft.currency} onChange={set('currency')} size={4} pattern="[A-Za-z]{3}" /></label>}
        <button type="submit" className="primary">{t('defineAttribute')}</button>
      </form>
    </section>
  );
}
