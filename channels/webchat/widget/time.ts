import type { Locale, Strings } from './i18n';

const MINUTE = 60_000;

/**
 * A message's time as the visitor reads it, in the widget's language: relative within the last hour ("5 dk önce"),
 * the clock time for the rest of today, "dün 14:05" for yesterday, and the date before that.
 */
export function messageTime(iso: string, locale: Locale, t: Strings, now = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const tag = locale === 'tr' ? 'tr-TR' : 'en-GB';
  const ago = now.getTime() - at.getTime();
  if (ago < MINUTE) return t.now;
  const clock = at.toLocaleTimeString(tag, { hour: '2-digit', minute: '2-digit' });
  if (ago < 60 * MINUTE) return new Intl.RelativeTimeFormat(tag, { numeric: 'auto', style: 'short' }).format(-Math.floor(ago / MINUTE), 'minute');
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(at)) / (24 * 60 * MINUTE));
  if (days === 0) return clock;
  if (days === 1) return `${t.yesterday} ${clock}`;
  const sameYear = at.getFullYear() === now.getFullYear();
  return `${at.toLocaleDateString(tag, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) })} ${clock}`;
}

/** The full date and time, for the hover title and screen readers. */
export const fullTime = (iso: string, locale: Locale) => new Date(iso).toLocaleString(locale === 'tr' ? 'tr-TR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** "12 KB", "1,4 MB" in the widget's language. */
export function fileSize(bytes: number, locale: Locale): string {
  const tag = locale === 'tr' ? 'tr-TR' : 'en-GB';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString(tag, { maximumFractionDigits: 1 })} MB`;
}

/** When the team opens again, from the visitor's clock: "Pzt 09:00" / "Mon 09:00". */
export const openingTime = (iso: string, locale: Locale) =>
  new Date(iso).toLocaleString(locale === 'tr' ? 'tr-TR' : 'en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });
