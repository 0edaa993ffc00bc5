import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BusinessCalendar, IsoWeekday, Shift } from '../../src/domain/business-hours';
import { sourceKey, useTeamSetting } from './team-setting';

const DAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const WORKDAY: Shift[] = [{ start: '09:00', end: '18:00' }];
const INITIAL: BusinessCalendar = { timezone: 'Europe/Istanbul', week: { 1: WORKDAY, 2: WORKDAY, 3: WORKDAY, 4: WORKDAY, 5: WORKDAY, 6: [], 7: [] }, holidays: [] };
const zones = (): string[] => (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

/** A weekday's name in the console's language (ISO: 1 = Monday; 2024-01-01 was a Monday). */
export const weekdayName = (d: IsoWeekday, lang: string) => new Date(Date.UTC(2024, 0, d)).toLocaleDateString(lang === 'tr' ? 'tr-TR' : 'en-GB', { weekday: 'long', timeZone: 'UTC' });

/**
 * Admins: a team's (or the default) business hours: timezone, shifts per weekday, holidays (GET/PUT
 * /api/teams/:key/calendar). They decide when the out-of-hours reply goes out and how SLA clocks count.
 */
export function BusinessHours({ teamKey, onSaved }: { teamKey: string; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const fields: Record<string, string> = { timezone: t('hoursTimezone'), week: t('hoursWeek'), start: t('hoursStart'), end: t('hoursEnd'), holidays: t('hoursHolidays') };
  for (const d of DAYS) fields[`week.${d}`] = weekdayName(d, i18n.language);
  const { draft, setDraft, source, note, save } = useTeamSetting<BusinessCalendar>(teamKey, 'calendar', INITIAL, fields, onSaved);
  const [holiday, setHoliday] = useState('');
  const setDay = (d: IsoWeekday, shifts: Shift[]) => setDraft({ ...draft, week: { ...draft.week, [d]: shifts } });
  const setShift = (d: IsoWeekday, i: number, patch: Partial<Shift>) => setDay(d, draft.week[d].map((s, n) => (n === i ? { ...s, ...patch } : s)));
  const addHoliday = () => {
    if (holiday && !draft.holidays.includes(holiday)) setDraft({ ...draft, holidays: [...draft.holidays, holiday].sort() });
    setHoliday('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const dateText = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString(t('locale'), { dateStyle: 'medium', timeZone: 'UTC' });

  return (
    <form className="card policy-form" onSubmit={submit} aria-labelledby="hours-title" noValidate>
      <h2 id="hours-title">{t('hoursTitle')}</h2>
      <p className="muted">{t('hoursHelp')}</p>
      {source && <p className="muted small">{t(sourceKey(teamKey, source))}</p>}
      <label className="field">{t('hoursTimezone')}
        <input list="timezones" value={draft.timezone} onChange={(e) => setDraft({ ...draft, timezone: e.target.value })} />
        <datalist id="timezones">{zones().map((z) => <option key={z} value={z} />)}</datalist>
      </label>
      <table className="week">
        <caption className="sr-only">{t('hoursWeek')}</caption>
        <tbody>
          {DAYS.map((d) => {
            const day = weekdayName(d, i18n.language);
            const shifts = draft.week[d] ?? [];
            return (
              <tr key={d}>
                <th scope="row">{day}</th>
                <td>
                  <label className="check"><input type="checkbox" checked={shifts.length > 0} onChange={(e) => setDay(d, e.target.checked ? WORKDAY : [])} /> {t(shifts.length ? 'hoursOpen' : 'hoursClosed')}</label>
                </td>
                <td className="shifts">
                  {shifts.map((s, i) => (
                    <span key={i} className="shift">
                      <input className="time" value={s.start} placeholder="09:00" maxLength={5} aria-label={`${day} ${i + 1}: ${t('hoursStart')}`} onChange={(e) => setShift(d, i, { start: e.target.value })} />
                      –
                      <input className="time" value={s.end} placeholder="18:00" maxLength={5} aria-label={`${day} ${i + 1}: ${t('hoursEnd')}`} onChange={(e) => setShift(d, i, { end: e.target.value })} />
                      <button type="button" className="icon" aria-label={`${day} ${i + 1}: ${t('hoursRemoveShift')}`} onClick={() => setDay(d, shifts.filter((_, n) => n !== i))}>×</button>
                    </span>
                  ))}
                  {shifts.length > 0 && shifts.length < 6 && shifts[shifts.length - 1]!.end < '24:00' && (
                    <button type="button" className="link" onClick={() => setDay(d, [...shifts, { start: shifts[shifts.length - 1]!.end, end: '24:00' }])}>+ {t('hoursAddShift')}</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <fieldset className="holidays">
        <legend>{t('hoursHolidays')}</legend>
        {draft.holidays.length === 0 && <span className="muted">{t('hoursNoHolidays')}</span>}
        {draft.holidays.map((h) => (
          <span key={h} className="label">{dateText(h)}<button type="button" aria-label={`${t('hoursRemoveHoliday')}: ${dateText(h)}`} onClick={() => setDraft({ ...draft, holidays: draft.holidays.filter((x) => x !== h) })}>×</button></span>
        ))}
        <span className="row">
          <input type="date" value={holiday} aria-label={t('hoursHolidayDate')} onChange={(e) => setHoliday(e.target.value)} />
          <button type="button" disabled={!holiday} onClick={addHoliday}>{t('hoursAddHoliday')}</button>
        </span>
      </fieldset>
      {note && <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
      <button type="submit" className="primary">{t('save')}</button>
    </form>
  );
}
