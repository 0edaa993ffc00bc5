import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from './DateField';
import type { AttributeDefinition, AttributeScope } from '../../src/domain/attributes';
import { api } from './api';

/** Definitions per scope, fetched once per page load (an admin's change shows after a reload of this list). */
const cache = new Map<AttributeScope, Promise<AttributeDefinition[]>>();
export function useDefinitions(scope: AttributeScope, version = 0): AttributeDefinition[] {
  const [defs, setDefs] = useState<AttributeDefinition[]>([]);
  useEffect(() => {
    if (version) cache.delete(scope);
    if (!cache.has(scope)) cache.set(scope, api<AttributeDefinition[]>(`/attribute-definitions/${scope}`).catch(() => []));
    void cache.get(scope)!.then(setDefs);
  }, [scope, version]);
  return defs;
}

/** A stored value as the editor's text (dates as YYYY-MM-DD, amounts as numbers, several options joined by |). */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join('|');
  if (typeof v === 'object' && 'amount' in (v as object)) return String((v as { amount: number }).amount);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return v.slice(0, 10);
  return String(v);
}

/** A value for reading: yes/no in the console's language, amounts with their currency. */
export function ShownValue({ def, value }: { def?: AttributeDefinition; value: unknown }) {
  const { t } = useTranslation();
  if (value === undefined || value === null) return <>{t('notSet')}</>;
  if (typeof value === 'boolean') return <>{value ? t('yes') : t('no')}</>;
  if (def?.type === 'currency' && typeof value === 'object') {
    const m = value as { amount: number; currency: string };
    return <>{new Intl.NumberFormat(t('locale'), { style: 'currency', currency: m.currency }).format(m.amount)}</>;
  }
  if (def?.type === 'date') return <>{new Date(String(value)).toLocaleDateString(t('locale'), { timeZone: 'UTC' })}</>;
  if (def?.type === 'url') return <a href={String(value)} target="_blank" rel="noopener noreferrer">{String(value)}</a>;
  return <>{valueText(value)}</>;
}

/**
 * The typed attributes of a customer or a conversation: read-only values, and an edit form with an input per type
 * (the hub checks each value against its definition; its message is shown when it refuses one).
 */
export function AttributeEditor({ scope, path, values, onSaved }: { scope: AttributeScope; path: string; values: Record<string, unknown>; onSaved?: () => void }) {
  const { t } = useTranslation();
  const defs = useDefinitions(scope);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, string | boolean | string[]>>({});
  const [shown, setShown] = useState(values);
  const [error, setError] = useState('');
  useEffect(() => setShown(values), [values]);

  const start = () => {
    setDraft(Object.fromEntries(defs.map((d) => [d.key, d.type === 'boolean' ? valueText(shown[d.key]) : d.type === 'list' && d.multi ? ((shown[d.key] as string[] | undefined) ?? []) : valueText(shown[d.key])])));
    setEditing(true);
  };
  async function save(e: FormEvent) {
    e.preventDefault();
    const attributes: Record<string, unknown> = {};
    for (const d of defs) {
      const v = draft[d.key];
      const before = valueText(shown[d.key]);
      if (Array.isArray(v)) attributes[d.key] = v.length ? v : null;
      else if (v !== before) attributes[d.key] = v === '' ? null : d.type === 'boolean' ? v === 'true' : v;
    }
    try {
      const res = await api<{ attributes: Record<string, unknown> }>(path, { method: 'PATCH', body: { attributes } });
      setShown(res.attributes);
      setEditing(false);
      setError('');
      onSaved?.();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  if (!defs.length) return null;
  const extra = Object.keys(shown).filter((k) => !defs.some((d) => d.key === k));
  return (
    <section className="attributes" aria-label={t('attributes')}>
      <h3>{t(scope === 'customer' ? 'attributes' : 'conversationAttributes')}</h3>
      {!editing ? (
        <>
          <dl>
            {defs.map((d) => <div key={d.key}><dt>{d.label}</dt><dd><ShownValue def={d} value={shown[d.key]} /></dd></div>)}
            {extra.map((k) => <div key={k}><dt>{k}</dt><dd>{valueText(shown[k])}</dd></div>)}
          </dl>
          <button type="button" className="link" onClick={start}>{t('editAttributes')}</button>
        </>
      ) : (
        <form onSubmit={save} className="attribute-form">
          {defs.map((d) => (
            <label key={d.key}>
              {d.label}
              <AttributeInput def={d} value={draft[d.key] ?? ''} onChange={(v) => setDraft((x) => ({ ...x, [d.key]: v }))} />
            </label>
          ))}
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit" className="primary">{t('save')}</button>
          <button type="button" onClick={() => { setEditing(false); setError(''); }}>{t('cancel')}</button>
        </form>
      )}
    </section>
  );
}

function AttributeInput({ def, value, onChange }: { def: AttributeDefinition; value: string | boolean | string[]; onChange: (v: string | string[]) => void }) {
  const { t } = useTranslation();
  switch (def.type) {
    case 'boolean':
      return (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('notSet')}</option><option value="true">{t('yes')}</option><option value="false">{t('no')}</option>
        </select>
      );
    case 'list':
      if (def.multi) {
        const picked = Array.isArray(value) ? value : [];
        return (
          <span className="options">
            {(def.options ?? []).map((o) => (
              <label key={o}><input type="checkbox" checked={picked.includes(o)} onChange={() => onChange(picked.includes(o) ? picked.filter((x) => x !== o) : [...picked, o])} /> {o}</label>
            ))}
          </span>
        );
      }
      return (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('notSet')}</option>
          {(def.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
    case 'date':
      return <DateField label={def.label ?? def.key} value={String(value)} onChange={onChange} />;
    case 'number':
    case 'currency':
      return <input inputMode="decimal" value={String(value)} onChange={(e) => onChange(e.target.value)} placeholder={def.currency ?? ''} />;
    case 'url':
      return <input type="url" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input value={String(value)} onChange={(e) => onChange(e.target.value)} maxLength={1000} />;
  }
}
