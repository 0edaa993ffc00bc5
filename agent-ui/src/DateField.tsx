import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A date (and optionally 24-hour time) field in the agent's language. A native `<input type="date">` follows the
 * browser's locale, not the console's (a Turkish agent on an English browser saw mm/dd/yyyy), so this one shows
 * the value as the console's locale writes it and picks from a month grid with that language's month and day names,
 * weeks starting on Monday. Values stay what the native inputs gave: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm` local time.
 */
export function DateField({ value, onChange, label, withTime = false, min, max, required = false, name }: {
  value: string; onChange: (value: string) => void; label: string; withTime?: boolean;
  /** `YYYY-MM-DD`: days before `min` or after `max` cannot be picked. */
  min?: string; max?: string; required?: boolean; name?: string;
}) {
  const { t } = useTranslation();
  const locale = t('locale');
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const dialogId = useId();
  const [date, time = '09:00'] = value ? value.split('T') : ['', undefined];
  const [month, setMonth] = useState(() => monthOf(date || today()));

  // Closes on Escape and on a click outside.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); setOpen(false); } };
    document.addEventListener('mousedown', onDown);
    root.current?.addEventListener('keydown', onKey);
    const el = root.current;
    return () => { document.removeEventListener('mousedown', onDown); el?.removeEventListener('keydown', onKey); };
  }, [open]);

  const emit = (d: string, tm: string) => onChange(d ? (withTime ? `${d}T${tm}` : d) : '');
  const shown = date ? formatValue(date, withTime ? time : undefined, locale) : '';
  const [hh, mm] = time.split(':');

  return (
    // Inside a <label>, a click anywhere in the grid would also "activate" the label (toggle the field): not here.
    <span className="date-field" ref={root} onClick={(e) => e.preventDefault()}>
      <button
        type="button" className={`date-value${shown ? '' : ' empty'}`} name={name} aria-haspopup="dialog" aria-expanded={open} aria-controls={open ? dialogId : undefined}
        aria-label={`${label}: ${shown || t(withTime ? 'dateTimeEmpty' : 'dateEmpty')}`} onClick={() => { if (!open) setMonth(monthOf(date || today())); setOpen(!open); }}
      >
        {shown || t(withTime ? 'dateTimePattern' : 'datePattern')}
        <span aria-hidden="true" className="date-icon">▾</span>
      </button>
      {/* A form's `required` check and its submit see the value through a hidden input. */}
      {required && <input className="date-required" tabIndex={-1} aria-hidden="true" required value={value} onChange={() => {}} />}
      {open && (
        <div className="date-popover" role="dialog" id={dialogId} aria-label={label}>
          <div className="date-head">
            <button type="button" aria-label={t('previousMonth')} onClick={() => setMonth(shiftMonth(month, -1))}>‹</button>
            <strong aria-live="polite">{monthTitle(month, locale)}</strong>
            <button type="button" aria-label={t('nextMonth')} onClick={() => setMonth(shiftMonth(month, 1))}>›</button>
          </div>
          <table className="date-grid">
            <thead><tr>{weekdayNames(locale).map((d) => <th key={d.long} scope="col" abbr={d.long}>{d.short}</th>)}</tr></thead>
            <tbody>
              {weeksOf(month).map((week, i) => (
                <tr key={i}>
                  {week.map((d) => (
                    <td key={d}>
                      {d.startsWith(month) ? (
                        <button
                          type="button" data-date={d} aria-pressed={d === date} className={d === today() ? 'today' : undefined}
                          disabled={Boolean((min && d < min) || (max && d > max))}
                          aria-label={new Date(`${d}T12:00`).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })}
                          onClick={() => { emit(d, time); if (!withTime) setOpen(false); }}
                        >{Number(d.slice(8))}</button>
                      ) : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="date-foot">
            {withTime && (
              <span className="date-time" role="group" aria-label={t('timeOfDay')}>
                <select aria-label={t('pickHour')} value={hh} onChange={(e) => emit(date || today(), `${e.target.value}:${mm}`)}>
                  {range(24).map((h) => <option key={h} value={pad(h)}>{pad(h)}</option>)}
                </select>
                :
                <select aria-label={t('pickMinute')} value={mm} onChange={(e) => emit(date || today(), `${hh}:${e.target.value}`)}>
                  {minutesWith(Number(mm)).map((m) => <option key={m} value={pad(m)}>{pad(m)}</option>)}
                </select>
              </span>
            )}
            {!required && value && <button type="button" onClick={() => { onChange(''); setOpen(false); }}>{t('clearDate')}</button>}
            <button type="button" className="primary" onClick={() => setOpen(false)}>{t('done')}</button>
          </div>
        </div>
      )}
    </span>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Every five minutes, plus a value set elsewhere (a preset at 14:37) so it shows as it is. */
const minutesWith = (m: number) => [...new Set([...range(12).map((i) => i * 5), m])].sort((a, b) => a - b);
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => isoDay(new Date());
const monthOf = (day: string) => day.slice(0, 7);
function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  return isoDay(new Date(y!, m! - 1 + by, 1)).slice(0, 7);
}
const monthTitle = (month: string, locale: string) => new Date(`${month}-01T12:00`).toLocaleDateString(locale, { month: 'long', year: 'numeric' });

/** Monday first (ISO weeks, as Turkey and most of Europe count them): short and long names. */
function weekdayNames(locale: string): { short: string; long: string }[] {
  const monday = new Date(2024, 0, 1, 12); // a Monday
  return range(7).map((i) => {
    const d = new Date(monday.getTime() + i * 86_400_000);
    return { short: d.toLocaleDateString(locale, { weekday: 'short' }), long: d.toLocaleDateString(locale, { weekday: 'long' }) };
  });
}

/** The month's days as ISO dates, in Monday-first weeks padded with the neighbouring months' days. */
function weeksOf(month: string): string[][] {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(y!, m! - 1, 1, 12);
  const lead = (first.getDay() + 6) % 7;
  const days = range(42).map((i) => isoDay(new Date(y!, m! - 1, 1 - lead + i, 12)));
  const weeks = range(6).map((w) => days.slice(w * 7, w * 7 + 7));
  return weeks.filter((w) => w.some((d) => d.startsWith(month)));
}

/** 30.11.2026 14:30 in Turkish, 30/11/2026 14:30 in English (en-GB), always 24-hour. */
export function formatValue(date: string, time: string | undefined, locale: string): string {
  const d = new Date(`${date}T${time ?? '12:00'}`);
  const day = d.toLocaleDateString(locale, { day: '2-digit', month: '2-digit', year: 'numeric' });
  return time ? `${day} ${time}` : day;
}
