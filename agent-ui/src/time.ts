import { useEffect, useState } from 'react';

/** The current time, re-rendered every `everyMs` (time-in-state and waits tick on the wallboard). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** The duration units of the agent's language (i18n keys unit_s, unit_min, unit_h, unit_d). */
export interface Units { s: string; min: string; h: string; d: string }
export const unitsOf = (t: (key: string) => string): Units => ({ s: t('unit_s'), min: t('unit_min'), h: t('unit_h'), d: t('unit_d') });

/** 45 s, 12 min, 3 h 05 min, 2 d 4 h (in Turkish: 45 sn, 12 dk, 3 sa 05 dk, 2 g 4 sa). */
export function duration(ms: number | null | undefined, u: Units): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} ${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} ${u.min}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} ${u.h} ${String(m % 60).padStart(2, '0')} ${u.min}`;
  return `${Math.floor(h / 24)} ${u.d} ${h % 24} ${u.h}`;
}
