import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthReason, HealthState } from '../../src/domain/customer-health';
import { api } from './api';
import { duration, unitsOf } from './time';

interface HealthView {
  state: HealthState | null; reasons: HealthReason[]; contacts: number; lastContactAt: string | null;
  baselineDays: number | null; medianFirstResponseMs: number | null;
  lifetimeValue?: { amount: number; currency: string } | null;
}

/** A health state as a coloured chip (docs/metrics.md, "Customer health"). */
export function HealthChip({ state }: { state: HealthState | null }) {
  const { t } = useTranslation();
  return <span className={`health-chip h-${state ?? 'none'}`}>{t(`health_${state ?? 'none'}`)}</span>;
}

/** Why a customer is at risk or churned, in the agent's language. */
export function ReasonText({ reason }: { reason: HealthReason }) {
  const { t } = useTranslation();
  const date = reason.at ? new Date(reason.at).toLocaleDateString(t('locale'), { dateStyle: 'medium' }) : '';
  const nf = new Intl.NumberFormat(t('locale'), { maximumFractionDigits: 1 });
  return <>{t(`reason_${reason.code}`, { date, count: reason.count, score: reason.score, days: nf.format(Math.round(reason.days ?? 0)), baseline: nf.format(reason.baselineDays ?? 0) })}</>;
}

/** The profile sidebar's health: state, the reasons that fired, and the facts behind the contact rules. */
export function HealthPanel({ customerId, refresh }: { customerId: string; refresh?: unknown }) {
  const { t } = useTranslation();
  const [health, setHealth] = useState<HealthView | null>(null);
  useEffect(() => {
    api<HealthView>(`/customers/${customerId}/health`).then(setHealth, () => setHealth(null));
  }, [customerId, refresh]);
  if (!health) return null;
  const nf = new Intl.NumberFormat(t('locale'), { maximumFractionDigits: 1 });
  return (
    <section className="health-panel" aria-labelledby="health-title">
      <h3 id="health-title">{t('health')} <HealthChip state={health.state} /></h3>
      {health.reasons.length > 0 && (
        <ul className="health-reasons" aria-label={t('healthReasons')}>
          {health.reasons.map((r) => <li key={r.code}><ReasonText reason={r} /></li>)}
        </ul>
      )}
      {health.lifetimeValue && (
        <dl className="health-facts" data-ltv>
          <dt>{t('ltvValue')}</dt>
          <dd>{new Intl.NumberFormat(t('locale'), { style: 'currency', currency: health.lifetimeValue.currency }).format(health.lifetimeValue.amount)}</dd>
        </dl>
      )}
      {health.state && (
        <dl className="health-facts">
          <dt>{t('healthContacts')}</dt><dd>{health.contacts}</dd>
          <dt>{t('healthLastContact')}</dt><dd>{health.lastContactAt ? new Date(health.lastContactAt).toLocaleDateString(t('locale'), { dateStyle: 'medium' }) : '—'}</dd>
          <dt>{t('healthRhythm')}</dt><dd>{health.baselineDays === null ? '—' : t('healthRhythmDays', { days: nf.format(health.baselineDays) })}</dd>
          <dt>{t('healthMedianFrt')}</dt><dd>{health.medianFirstResponseMs === null ? '—' : duration(health.medianFirstResponseMs, unitsOf(t))}</dd>
        </dl>
      )}
    </section>
  );
}
