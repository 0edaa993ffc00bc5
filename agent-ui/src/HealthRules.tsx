import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthRules as Rules } from '../../src/domain/customer-health';
import { api } from './api';
import { formError } from './form-error';

type RuleName = keyof Rules;
/** Each rule's numeric thresholds in form order, with their label key and input step (docs/metrics.md lists the ranges). */
const FIELDS: Record<RuleName, Array<{ key: string; label: string; step?: number }>> = {
  negativeCsat: [{ key: 'maxScore', label: 'hrMaxScore' }, { key: 'withinDays', label: 'hrWithinDays' }],
  reopens: [{ key: 'count', label: 'hrCount' }, { key: 'withinDays', label: 'hrWithinDays' }],
  longWaits: [{ key: 'hours', label: 'hrHours', step: 0.25 }, { key: 'count', label: 'hrCount' }, { key: 'withinDays', label: 'hrWithinDays' }],
  contactDrop: [{ key: 'minContacts', label: 'hrMinContacts' }, { key: 'factor', label: 'hrFactor', step: 0.1 }, { key: 'minDays', label: 'hrMinDays' }],
  churn: [{ key: 'minContacts', label: 'hrMinContacts' }, { key: 'afterDays', label: 'hrAfterDays' }],
};
const TITLES: Record<RuleName, string> = { negativeCsat: 'hrNegativeCsat', reopens: 'hrReopens', longWaits: 'hrLongWaits', contactDrop: 'hrContactDrop', churn: 'hrChurn' };
type Draft = Record<RuleName, Record<string, string | boolean>>;
const toDraft = (r: Rules): Draft => Object.fromEntries(Object.entries(r).map(([name, rule]) => [name, Object.fromEntries(Object.entries(rule).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)]))])) as Draft;
/** Numbers as typed go to the hub as numbers; an empty box stays empty so the hub names the field it refuses. */
const fromDraft = (d: Draft) => Object.fromEntries(Object.entries(d).map(([name, rule]) => [name, Object.fromEntries(Object.entries(rule).map(([k, v]) => [k, typeof v === 'boolean' ? v : v.trim() === '' ? null : Number(v)]))]));

/**
 * Admins: the customer health rules (GET/PUT /api/admin/customer-health; validated and audited by the hub, applied to
 * every customer within seconds without a restart), and which currency attribute is the lifetime value.
 */
export function HealthRules() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [defaults, setDefaults] = useState<Rules | null>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    api<{ rules: Rules; defaults: Rules }>('/admin/customer-health').then((v) => { setDraft(toDraft(v.rules)); setDefaults(v.defaults); }, (err: unknown) => setNote({ text: formError(err, t), error: true }));
  }, []);
  const fieldNames = Object.fromEntries(Object.entries(FIELDS).flatMap(([name, fields]) => [[name, t(TITLES[name as RuleName])], ...fields.map((f) => [`${name}.${f.key}`, t(f.label)])]));
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    try {
      const v = await api<{ rules: Rules }>('/admin/customer-health', { method: 'PUT', body: fromDraft(draft) });
      setDraft(toDraft(v.rules));
      setNote({ text: t('hrSaved'), error: false });
    } catch (err) {
      setNote({ text: formError(err, t, fieldNames), error: true });
    }
  }
  const set = (name: RuleName, key: string, value: string | boolean) => setDraft((d) => (d ? { ...d, [name]: { ...d[name], [key]: value } } : d));
  return (
    <div className="health-rules">
      <section className="card" aria-labelledby="hr-title">
        <h2 id="hr-title">{t('healthRulesTitle')}</h2>
        <p className="muted">{t('healthRulesHelp')}</p>
        {draft && defaults && (
          <form className="rules-form" onSubmit={save} aria-label={t('healthRulesTitle')}>
            {(Object.keys(FIELDS) as RuleName[]).map((name) => (
              <fieldset key={name} data-rule={name}>
                <legend>{t(TITLES[name])}</legend>
                <label className="check"><input type="checkbox" checked={draft[name].enabled === true} onChange={(e) => set(name, 'enabled', e.target.checked)} /> {t('hrEnabled')}</label>
                {FIELDS[name].map((f) => (
                  <label key={f.key}>
                    {t(f.label)}
                    <input type="number" step={f.step ?? 1} aria-label={`${t(TITLES[name])}: ${t(f.label)}`} data-field={`${name}.${f.key}`}
                      value={String(draft[name][f.key] ?? '')} disabled={draft[name].enabled !== true} onChange={(e) => set(name, f.key, e.target.value)} />
                    <span className="muted small">{t('hrDefault', { value: String((defaults[name] as Record<string, unknown>)[f.key]) })}</span>
                  </label>
                ))}
              </fieldset>
            ))}
            <div className="row">
              <button type="submit" className="primary">{t('hrSave')}</button>
              <button type="button" onClick={() => setDraft(toDraft(defaults))}>{t('hrReset')}</button>
            </div>
          </form>
        )}
        {note && <p role={note.error ? 'alert' : 'status'} className={note.error ? 'error' : 'muted'}>{note.text}</p>}
      </section>
      <LifetimeValueSetting />
    </div>
  );
}

interface Definition { key: string; label: string; type: string; currency?: string }

/** Which customer currency attribute is the lifetime value shown on profiles (PUT /api/admin/customer-value). */
function LifetimeValueSetting() {
  const { t } = useTranslation();
  const [defs, setDefs] = useState<Definition[]>([]);
  const [key, setKey] = useState('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    api<Definition[]>('/attribute-definitions/customer').then((d) => setDefs(d.filter((x) => x.type === 'currency')), () => {});
    api<{ attribute: { key: string } | null }>('/admin/customer-value').then((v) => setKey(v.attribute?.key ?? ''), () => {});
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      const v = await api<{ attribute: { key: string } | null }>('/admin/customer-value', { method: 'PUT', body: { key: key || null } });
      setKey(v.attribute?.key ?? '');
      setNote({ text: t('ltvSaved'), error: false });
    } catch (err) {
      setNote({ text: formError(err, t), error: true });
    }
  }
  return (
    <section className="card" aria-labelledby="ltv-title">
      <h2 id="ltv-title">{t('ltvTitle')}</h2>
      <p className="muted">{t('ltvHelp')}</p>
      {defs.length === 0 ? <p className="muted">{t('ltvNoCurrency')}</p> : (
        <form className="inline-form" onSubmit={save} aria-label={t('ltvTitle')}>
          <label>{t('ltvAttribute')}
            <select aria-label={t('ltvAttribute')} value={key} onChange={(e) => setKey(e.target.value)}>
              <option value="">{t('ltvNone')}</option>
              {defs.map((d) => <option key={d.key} value={d.key}>{d.label} ({d.currency})</option>)}
            </select>
          </label>
          <button type="submit" className="primary">{t('hrSave')}</button>
        </form>
      )}
      {note && <p role={note.error ? 'alert' : 'status'} className={note.error ? 'error' : 'muted'}>{note.text}</p>}
    </section>
  );
}
