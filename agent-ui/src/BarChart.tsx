import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A plain SVG bar chart. Screen readers get a summary in the aria-label and the full numbers in the table
 * alternative under it (collapsed for sighted users).
 */
export function BarChart({ title, bars }: { title: string; bars: { label: string; value: number }[] }) {
  const { t } = useTranslation();
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const W = 640, H = 180, pad = 22;
  const slot = (W - pad) / Math.max(1, bars.length);
  const bw = Math.min(56, Math.max(2, slot * 0.7)); // a few wide categories must not become slabs
  const total = bars.reduce((s, b) => s + b.value, 0);
  const top = [...bars].sort((a, b) => b.value - a.value)[0];
  const summary = `${total}${top && top.value ? ` · ${t('chartMax')} ${top.label}: ${top.value}` : ''}`;
  const every = bars.length > 12 ? Math.ceil(bars.length / 12) : 1; // label every nth bar so labels do not collide
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={t('chartLabel', { title, summary })} preserveAspectRatio="xMidYMid meet">
        <line x1={pad} y1={H} x2={W} y2={H} className="axis" />
        <text x={0} y={12} className="tick">{max}</text>
        {bars.map((b, i) => {
          const h = (b.value / max) * (H - 16);
          const x = pad + i * slot + (slot - bw) / 2;
          return (
            <g key={b.label}>
              <rect x={x} y={H - h} width={bw} height={h} className="bar"><title>{`${b.label}: ${b.value}`}</title></rect>
              {i % every === 0 && <text x={x + bw / 2} y={H + 14} textAnchor="middle" className="tick">{b.label}</text>}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('chartTable')}</summary>
        <table>
          <tbody>{bars.map((b) => <tr key={b.label}><th scope="row">{b.label}</th><td className="num">{b.value}</td></tr>)}</tbody>
        </table>
      </details>
    </figure>
  );
}
