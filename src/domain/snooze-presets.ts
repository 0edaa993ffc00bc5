import { DateTime } from 'luxon';
import { addBusinessMs, nextOpening, type BusinessCalendar } from './business-hours';

export type SnoozePresetKey = 'in1h' | 'tomorrow' | 'nextWeek';
export interface SnoozePreset { key: SnoozePresetKey; at: Date }

/** Opening time used when the team has no calendar (then the agent's own zone is the one that counts). */
const NO_CALENDAR_OPENING = { hour: 9, minute: 0 };

/**
 * The snooze presets of a conversation, in its team's business hours (docs/business-hours-sla.md): "1 hour" is one
 * hour of business time (at 17:30 with a 18:00 close it wakes at 09:30 the next business day), "tomorrow" the
 * team's opening on the next business day after today, "next week" the opening of the first business day of next
 * week (Monday, or later when Monday is a holiday). Without a calendar (`null`), wall-clock time: an hour from now,
 * tomorrow 09:00 and next Monday 09:00 in `zone` (the agent's). A preset the calendar cannot reach within ten years
 * is left out.
 */
export function snoozePresets(calendar: BusinessCalendar | null, now: Date, zone: string): SnoozePreset[] {
  const tz = calendar?.timezone ?? zone;
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  const tomorrow = today.plus({ days: 1 });
  const nextMonday = today.startOf('week').plus({ weeks: 1 }); // luxon weeks are ISO: Monday first
  const at = (day: DateTime): Date | null => (calendar ? nextOpening(calendar, day.toJSDate()) : day.set(NO_CALENDAR_OPENING).toJSDate());
  const presets: Array<[SnoozePresetKey, Date | null]> = [
    ['in1h', calendar ? safe(() => addBusinessMs(calendar, now, 3_600_000)) : new Date(now.getTime() + 3_600_000)],
    ['tomorrow', at(tomorrow)],
    ['nextWeek', at(nextMonday)],
  ];
  return presets.flatMap(([key, when]) => (when ? [{ key, at: when }] : []));
}

/** addBusinessMs throws for a calendar with no business time ahead: no preset then. */
function safe(f: () => Date): Date | null {
  try {
    return f();
  } catch {
    return null;
  }
}
