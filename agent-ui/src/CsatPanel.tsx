import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';

interface Survey {
  conversationId: string; channel: string; status: 'scheduled' | 'asked' | 'answered' | 'unsent'; reason: string | null;
  askedAt: string | null; remindedAt: string | null; score: number | null; comment: string | null; nps: number | null;
  followUp: string | null; via: string | null; answeredAt: string | null;
}
interface History { items: Survey[]; answered: number; avgScore: number | null; csat: number | null }

/** The customer's satisfaction surveys in the profile sidebar (GET /api/customers/:id/csat), newest first. */
export function CsatPanel({ customerId, refresh }: { customerId: string; refresh?: unknown }) {
  const { t } = useTranslation();
  const [history, setHistory] = useState<History | null>(null);
  useEffect(() => {
    api<History>(`/customers/${customerId}/csat`).then(setHistory, () => setHistory(null));
  }, [customerId, refresh]);
  if (!history) return null;
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(t('locale'), { dateStyle: 'medium' }) : '');
  return (
    <section className="csat-panel" aria-labelledby="csat-title">
      <h3 id="csat-title">{t('csat')}</h3>
      {history.items.length === 0 ? <p className="muted">{t('csatNone')}</p> : (
        <>
          {history.answered > 0 && (
            <p className="csat-summary">{t('csatSummary', { answered: history.answered, avg: history.avgScore!.toFixed(1), pct: `${Math.round(history.csat! * 100)} %` })}</p>
          )}
          <ul className="csat-list">
            {history.items.map((s) => (
              <li key={s.conversationId} data-status={s.status}>
                <span className={`csat-score${s.score !== null && s.score >= 4 ? ' good' : s.score !== null && s.score <= 2 ? ' bad' : ''}`} aria-label={s.score === null ? undefined : t('csatScore', { score: s.score })}>
                  {s.score === null ? '–' : '★'.repeat(s.score) + '☆'.repeat(5 - s.score)}
                </span>{' '}
                <span className="muted small">{when(s.answeredAt ?? s.askedAt)} · {s.status === 'answered' ? t('csatVia', { channel: t(`channel_${s.via ?? s.channel}`) }) : t(`csat_${s.status}`)}{s.remindedAt && s.status !== 'answered' ? ` · ${t('csatReminded')}` : ''}</span>
                {s.comment && <q className="csat-comment">{s.comment}</q>}
                {s.nps !== null && <span className="small"> {t('csatNps', { nps: s.nps })}</span>}
                {s.followUp && <q className="csat-comment">{s.followUp}</q>}
                {s.status === 'unsent' && s.reason && <span className="muted small"> ({s.reason})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
