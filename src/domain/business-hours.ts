import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Business time: when a team is open, in its own time zone. Pure (no I/O), so SLA timers, auto-replies and reports
 * all measure time the same way. Shift times are local wall-clock times, so a DST switch moves them with the zone.
 */

/** 'HH:mm' local; `end` > `start`. No overnight shifts: split them at midnight ('22:00'-'24:00' + '00:00'-'06:00'). */
export interface Shift { start: string; end: string }
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
/** `week` is keyed by ISO weekday (1 = Monday); `holidays` are local dates 'YYYY-MM-DD' on which the team is closed. */
export interface BusinessCalendar { timezone: string; week: Record<IsoWeekday, Shift[]>; holidays: string[] }

const WEEKDAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const shiftSchema = z
  .object({
    start: z.string().regex(HHMM, 'start must be HH:mm (00:00-23:59)'),
    end: z.string().regex(HHMM, 'end must be HH:mm (00:01-24:00)'),
  })
  .refine((s) => !HHMM.test(s.start) || !HHMM.test(s.end) || s.end > s.start, { message: 'a shift must end after it starts (split overnight shifts at 24:00)' });

const dayShiftsSchema = z
  .array(shiftSchema)
  .max(12)
  .default([])
  .refine((shifts) => shifts.every((s, i) => i === 0 || s.start >= shifts[i - 1]!.end), {
    message: 'shifts of a day must be in order and must not overlap',
  });

const localDate = z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid, {
  message: 'holidays must be dates written YYYY-MM-DD',
});

export const calendarSchema = z
  .object({
    timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), { message: 'timezone must be an IANA zone such as Europe/Istanbul' }),
    week: z.object({
      1: dayShiftsSchema, 2: dayShiftsSchema, 3: dayShiftsSchema, 4: dayShiftsSchema,
      5: dayShiftsSchema, 6: dayShiftsSchema, 7: dayShiftsSchema,
    }).strict(),
    holidays: z.array(localDate).max(1000).default([]),
  })
  .refine((c) => WEEKDAYS.some((d) => c.week[d].length > 0), {
    message: 'a calendar needs at least one shift in the week', path: ['week'],
  });

// Compile-time check that the schema's output is exactly the public interface.
const _schemaMatches: (c: z.output<typeof calendarSchema>) => BusinessCalendar = (c) => c;
void _schemaMatches;

const fullDay: Shift[] = [{ start: '00:00', end: '24:00' }];
/** 24/7, for teams without a calendar: business clock == wall clock. */
export const ALWAYS_OPEN: BusinessCalendar = Object.freeze({
  timezone: 'UTC',
  week: { 1: fullDay, 2: fullDay, 3: fullDay, 4: fullDay, 5: fullDay, 6: fullDay, 7: fullDay },
  holidays: [],
}) as BusinessCalendar;

/** How far ahead we look for business time before declaring a calendar (nearly) always closed. */
const MAX_DAYS = 366 * 10;

function isAlwaysOpen(cal: BusinessCalendar): boolean {
  return cal.holidays.length === 0 && WEEKDAYS.every((d) => {
    const [only, ...rest] = cal.week[d];
    return rest.length === 0 && only?.start === '00:00' && only.end === '24:00';
  });
}

function at(day: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  const [hour, minute] = hhmm.split(':').map(Number);
  // fromObject (not day.set) so a time inside a DST gap moves forward the way the zone defines it.
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: day.zone }).toMillis();
}

/** The open intervals [start, end) (epoch ms) of one local day. */
function dayIntervals(cal: BusinessCalendar, day: DateTime): Array<[number, number]> {
  if (cal.holidays.includes(day.toISODate()!)) return [];
  return (cal.week[day.weekday as IsoWeekday] ?? [])
    .map((s): [number, number] => [at(day, s.start), at(day, s.end)])
    .filter(([s, e]) => e > s);
}

/** Open intervals from `fromMs` on, clipped to start at `fromMs`, in order. */
function* openIntervals(cal: BusinessCalendar, fromMs: number): Generator<[number, number]> {
  let day = DateTime.fromMillis(fromMs, { zone: cal.timezone }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [s, e] of dayIntervals(cal, day)) if (e > fromMs) yield [Math.max(s, fromMs), e];
  }
}

export function isOpen(cal: BusinessCalendar, when: Date): boolean {
  if (isAlwaysOpen(cal)) return true;
  const t = when.getTime();
  const day = DateTime.fromMillis(t, { zone: cal.timezone }).startOf('day');
  return dayIntervals(cal, day).some(([s, e]) => s <= t && t < e);
}

/** The earliest instant >= `when` at which the calendar is open (`when` itself if open); null if none within 10 years. */
export function nextOpening(cal: BusinessCalendar, when: Date): Date | null {
  if (isAlwaysOpen(cal)) return new Date(when);
  for (const [s] of openIntervals(cal, when.getTime())) return new Date(s);
  return null;
}

/** The instant at which `ms` of business time has passed since `from` (e.g. an SLA due time). */
export function addBusinessMs(cal: BusinessCalendar, from: Date, ms: number): Date {
  if (ms <= 0) return new Date(from);
  if (isAlwaysOpen(cal)) return new Date(from.getTime() + ms);
  let remaining = ms;
  for (const [s, e] of openIntervals(cal, from.getTime())) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
  }
  throw new Error('calendar has no business time in the next 10 years');
}

/** Business time (ms) elapsed between `from` and `to`; 0 if `to` is not after `from`. */
export function businessMsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  if (isAlwaysOpen(cal)) return end - from.getTime();
  let total = 0;
  for (const [s, e] of openIntervals(cal, from.getTime())) {
    if (s >= end) break;
    total += Math.min(e, end) - s;
  }
  return total;
}
