import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentReport } from '../../src/domain/reports';
import { api } from './api';
import { duration, unitsOf } from './time';

const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);

/**
 * The reports screen's split by segment: FRT, resolution time and CSAT of each segment over the same range and clock
 * (GET /api/reports/segments; `params` is the summary's query without team and agent).
 */
export function SegmentSplit({ params }: { params: string }) {
  const { t } = useTranslation();
  const units = unitsOf(t);
  const [report, setReport] = useState<SegmentReport | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!params) return;
    setReport(null);
    api<SegmentReport>(`/reports/segments${params}`).then((r) => { setReport(r); setError(''); }, (err: Error) => setError(err.message));
  }, [params]);
  return (
    <section aria-labelledby="rp-segments" className="card">
      <h2 id="rp-segments">{t('bySegment')}</h2>
      <p className="muted small">{t('segmentSplitHelp')}</p>
      {error && <p role="alert" className="error">{t('error', { error })}</p>}
      {report && report.segments.length === 0 && <p className="muted">{t('segmentSplitNone')}</p>}
      {report && report.segments.length > 0 && (
        <table className="metrics segments-report">
          <thead>
            <tr>
              <th scope="col">{t('segmentColumn')}</th><th scope="col">{t('segOpened')}</th><th scope="col">{t('segFrtMedian')}</th>
              <th scope="col">{t('segResolutionMedian')}</th><th scope="col">{t('segCsat')}</th><th scope="col">{t('segAnswers')}</th>
            </tr>
          </thead>
          <tbody>
            {report.segments.map((s) => (
              <tr key={s.segmentId} data-segment={s.segmentId}>
                <th scope="row">{s.name}</th>
                <td className="num">{s.opened}</td>
                <td className="num" data-cell="frt">{duration(s.frt.median, units)}</td>
                <td className="num" data-cell="resolution">{duration(s.resolution.median, units)}</td>
                <td className="num" data-cell="csat">{pct(s.csat.csat)}</td>
                <td className="num">{s.csat.answered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
