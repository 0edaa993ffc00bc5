import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface TrendSeries { key: string; label: string }

/**
 * A daily trend: several counts per day as grouped SVG bars with a legend. Like BarChart, the numbers are spoken in
 * the aria-label (totals) and listed in a table alternative under it.
 */
export function TrendChart({ title, series, days }: { title: string; series: TrendSeries[]; days: Array<{ key: string; label: string; values: Record<string, number> }> }) {
  const { t } = useTranslation();
  const id = useId();
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => d.values[s.key] ?? 0)));
  const W = 640, H = 180, pad = 22;
  const slot = (W - pad) / Math.max(1, days.length);
  const group = Math.min(60, slot * 0.8);
  const bw = Math.max(1, group / series.length);
  const every = days.length > 14 ? Math.ceil(days.length / 14) : 1; // label every nth day so labels do not collide
  const totals = series.map((s) => `${s.label} ${days.reduce((sum, d) => sum + (d.values[s.key] ?? 0), 0)}`).join(', ');
  return (
    <figure className="chart trend" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      <ul className="legend">
        {series.map((s, i) => <li key={s.key}><span className={`swatch series-${i}`} aria-hidden="true" />{s.label}</li>)}
      </ul>
      <svg viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={t('chartLabel', { title, summary: totals })} preserveAspectRatio="xMidYMid meet">
        <line x1={pad} y1={H} x2={W} y2={H} className="axis" />
        <text x={0} y={12} className="tick">{max}</text>
        {days.map((d, i) => {
          const x0 = pad + i * slot + (slot - group) / 2;
          return (
            <g key={d.key}>
              {series.map((s, j) => {
                const v = d.values[s.key] ?? 0;
                const h = (v / max) * (H - 16);
                return <rect key={s.key} x={x0 + j * bw} y={H - h} width={Math.max(1, bw - 1)} height={h} className={`bar series-${j}`}><title>{`${d.label} · ${s.label}: ${v}`}</title></rect>;
              })}
              {i % every === 0 && <text x={x0 + group / 2} y={H + 14} textAnchor="middle" className="tick">{d.label}</text>}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('chartTable')}</summary>
        <table>
          <thead><tr><th scope="col">{t('day')}</th>{series.map((s) => <th key={s.key} scope="col">{s.label}</th>)}</tr></thead>
          <tbody>{days.map((d) => <tr key={d.key}><th scope="row">{d.label}</th>{series.map((s) => <td key={s.key} className="num">{d.values[s.key] ?? 0}</td>)}</tr>)}</tbody>
        </table>
      </details>
    </figure>
  );
}
