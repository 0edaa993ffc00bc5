import { useTranslation } from 'react-i18next';

/** How many months back a month chooser offers (reports keep facts far longer; two years covers a year-on-year look). */
const MONTHS_BACK = 36;
const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * A month chooser in the agent's language ("Kasım 2026", "November 2026"), newest first; the value is `YYYY-MM`.
 * Chromium's own `<input type="month">` names months in the browser's language, not the console's.
 */
export function MonthField({ value, onChange, label, min, max }: { value: string; onChange: (value: string) => void; label: string; min?: string; max?: string }) {
  const { t } = useTranslation();
  const now = new Date();
  const months = Array.from({ length: MONTHS_BACK }, (_, i) => monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 15))));
  const name = (m: string) => new Date(`${m}-15T12:00:00Z`).toLocaleDateString(t('locale'), { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {months.map((m) => <option key={m} value={m} disabled={(min !== undefined && m < min) || (max !== undefined && m > max)}>{name(m)}</option>)}
    </select>
  );
}
