import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from './api';
import { DateField } from './DateField';

interface Preset { key: 'in1h' | 'tomorrow' | 'nextWeek'; at: string }
interface Presets { timezone: string; businessHours: boolean; presets: Preset[] }

const agentZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const pad = (n: number) => String(n).padStart(2, '0');
/** A Date as the DateField's local `YYYY-MM-DDTHH:mm`. */
const localValue = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

/**
 * Snooze: the presets the hub computes in the team's business hours (GET .../snooze-presets), or a day and
 * 24-hour time picked in the agent's language. Times are shown in the agent's own clock.
 */
export function SnoozeMenu({ conversationId, onSnooze }: { conversationId: string; onSnooze: (untilIso: string) => Promise<unknown> }) {
  const { t } = useTranslation();
  const locale = t('locale');
  const [open, setOpen] = useState(false);
  const [presets, setPresets] = useState<Presets | null>(null);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState('');
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setPresets(null);
    api<Presets>(`/conversations/${conversationId}/snooze-presets${query({ zone: agentZone() })}`).then(setPresets, (err: Error) => setError(err.message));
    const onDown = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, conversationId]);

  const snooze = (iso: string) => {
    if (new Date(iso).getTime() <= Date.now()) return setError(t('snoozePast'));
    void onSnooze(iso).then(() => { setOpen(false); setCustom(''); setError(''); }, (err: Error) => setError(err.message));
  };
  const time = (d: Date) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const label = (p: Preset) => {
    const at = new Date(p.at);
    if (p.key === 'in1h') return `${t('snoozePreset_in1h')} · ${sameDay(at, new Date()) ? time(at) : `${at.toLocaleDateString(locale, { weekday: 'short' })} ${time(at)}`}`;
    const tomorrow = new Date(Date.now() + 86_400_000);
    if (sameDay(at, tomorrow)) return t('snoozePreset_tomorrow', { time: time(at) });
    return t('snoozePreset_nextWeek', { day: at.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long' }), time: time(at) });
  };

  return (
    <div className="snooze" ref={root}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => { setOpen(!open); setError(''); }}>{t('snoozeFor')}</button>
      {open && (
        <div className="snooze-menu" role="group" aria-label={t('snoozeUntil')}>
          {!presets && !error && <p className="muted">{t('loading')}</p>}
          {presets && (
            <>
              <ul>
                {presets.presets.map((p) => (
                  <li key={p.key}><button type="button" data-preset={p.key} onClick={() => snooze(p.at)}>{label(p)}</button></li>
                ))}
              </ul>
              {presets.businessHours && <p className="muted small">{t('snoozeHours', { zone: presets.timezone })}</p>}
            </>
          )}
          <form onSubmit={(e) => { e.preventDefault(); if (custom) snooze(new Date(custom).toISOString()); }}>
            <DateField label={t('snoozeCustom')} withTime value={custom} min={localValue(new Date()).slice(0, 10)} onChange={setCustom} />
            <button type="submit" disabled={!custom}>{t('snooze')}</button>
          </form>
          {error && <p role="alert" className="error">{error}</p>}
        </div>
      )}
    </div>
  );
}
