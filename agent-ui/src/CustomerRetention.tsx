import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { MonthField } from './MonthField';

interface RetentionView {
  period: { from: string; to: string }; previous: { from: string; to: string };
  previousActive: number; active: number; retained: number; lost: number; returningOrNew: number;
  retention: number | null; attrition: number | null;
}
const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const monthOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Retention and attrition over whole months with its own period chooser (GET /api/reports/retention; definitions in
 * docs/metrics.md): the period is compared with as many months just before it.
 */
export function CustomerRetention() {
  const { t } = useTranslation();
  const now = new Date();
  const [form, setForm] = useState(() => ({ from: monthOf(now), to: monthOf(now) }));
  const [view, setView] = useState<RetentionView | null>(null);
  const [error, setError] = useState('');
  const load = (f: typeof form) => api<RetentionView>(`/reports/retention?from=${f.from}&to=${f.to}`).then((v) => { setView(v); setError(''); }, (err: Error) => { setView(null); setError(err.message); });
  useEffect(() => void load(form), []); // the current month on opening; later periods when the form is applied
  const submit = (e: FormEvent) => { e.preventDefault(); void load(form); };
  const month = (d: string) => new Date(`${d}-15T12:00:00Z`).toLocaleDateString(t('locale'), { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (
    <section aria-labelledby="rp-retention" className="card">
      <h2 id="rp-retention">{t('retentionTitle')}</h2>
      <form className="inline-form retention-filters" onSubmit={submit} aria-label={t('retentionTitle')}>
        <label>{t('retentionFrom')}<MonthField label={t('retentionFrom')} value={form.from} max={form.to} onChange={(from) => setForm({ ...form, from })} /></label>
        <label>{t('retentionTo')}<MonthField label={t('retentionTo')} value={form.to} min={form.from} onChange={(to) => setForm({ ...form, to })} /></label>
        <button type="submit">{t('apply')}</button>
      </form>
      {error && <p role="alert" className="error">{t('error', { error })}</p>}
      {view && (
        <>
          <p className="muted small">{t('retentionVs', { from: month(view.period.from), to: month(view.period.to), pfrom: month(view.previous.from), pto: month(view.previous.to) })}</p>
          <dl className="tiles">
            <div data-retention="retention"><dt>{t('retentionRate')}</dt><dd>{pct(view.retention)}</dd></div>
            <div data-retention="attrition"><dt>{t('attritionRate')}</dt><dd>{pct(view.attrition)}</dd></div>
            <div data-retention="previousActive"><dt>{t('retentionPrevActive')}</dt><dd>{view.previousActive}</dd></div>
            <div data-retention="active"><dt>{t('retentionActive')}</dt><dd>{view.active}</dd></div>
            <div data-retention="retained"><dt>{t('retentionRetained')}</dt><dd>{view.retained}</dd></div>
            <div data-retention="lost"><dt>{t('retentionLost')}</dt><dd>{view.lost}</dd></div>
            <div data-retention="returningOrNew"><dt>{t('retentionNew')}</dt><dd>{view.returningOrNew}</dd></div>
          </dl>
          <p className="muted small">{t('retentionHelp')}</p>
        </>
      )}
    </section>
  );
}
