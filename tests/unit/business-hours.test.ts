import {
  ALWAYS_OPEN, BusinessCalendar, Shift, addBusinessMs, businessMsBetween, calendarSchema, isOpen, nextOpening,
} from '../../src/domain/business-hours';

const HOUR = 3_600_000;
const MIN = 60_000;
const nineToSix: Shift[] = [{ start: '09:00', end: '18:00' }];
const weekdays = (shifts: Shift[]): BusinessCalendar['week'] => ({ 1: shifts, 2: shifts, 3: shifts, 4: shifts, 5: shifts, 6: [], 7: [] });

// Friday 2026-11-27; Monday 2026-11-30 is declared a holiday. Istanbul is UTC+3 all year.
const istanbul: BusinessCalendar = { timezone: 'Europe/Istanbul', week: weekdays(nineToSix), holidays: ['2026-11-30'] };

describe('Istanbul 09:00-18:00 Monday to Friday, Monday a holiday', () => {
  test('a message at 17:59 on Friday with a 1 hour target is due Tuesday 09:59 local', () => {
    const friday1759 = new Date('2026-11-27T14:59:00Z');
    expect(addBusinessMs(istanbul, friday1759, HOUR).toISOString()).toBe('2026-12-01T06:59:00.000Z');
  });

  test('open inside hours, closed in the evening, at the weekend and on the holiday', () => {
    expect(isOpen(istanbul, new Date('2026-11-27T06:00:00Z'))).toBe(true); // Fri 09:00
    expect(isOpen(istanbul, new Date('2026-11-27T15:00:00Z'))).toBe(false); // Fri 18:00: the end is exclusive
    expect(isOpen(istanbul, new Date('2026-11-28T09:00:00Z'))).toBe(false); // Saturday
    expect(isOpen(istanbul, new Date('2026-11-30T09:00:00Z'))).toBe(false); // Monday, holiday
    expect(isOpen(istanbul, new Date('2026-12-01T09:00:00Z'))).toBe(true); // Tuesday 12:00
  });

  test('the next opening after Friday evening is Tuesday 09:00; an open instant is its own opening', () => {
    expect(nextOpening(istanbul, new Date('2026-11-27T16:00:00Z'))?.toISOString()).toBe('2026-12-01T06:00:00.000Z');
    const open = new Date('2026-11-27T10:00:00Z');
    expect(nextOpening(istanbul, open)?.toISOString()).toBe(open.toISOString());
  });

  test('business time across the long weekend counts only the open minutes', () => {
    expect(businessMsBetween(istanbul, new Date('2026-11-27T14:59:00Z'), new Date('2026-12-01T06:59:00Z'))).toBe(HOUR);
    expect(businessMsBetween(istanbul, new Date('2026-11-28T00:00:00Z'), new Date('2026-11-30T20:00:00Z'))).toBe(0);
    expect(businessMsBetween(istanbul, new Date('2026-12-01T07:00:00Z'), new Date('2026-12-01T06:00:00Z'))).toBe(0);
  });

  test('a target ending exactly at closing time is due at closing time, not the next morning', () => {
    expect(addBusinessMs(istanbul, new Date('2026-11-27T14:00:00Z'), HOUR).toISOString()).toBe('2026-11-27T15:00:00.000Z');
  });

  test('adding then measuring business time gives the same amount back', () => {
    const from = new Date('2026-11-26T13:17:00Z');
    for (const ms of [MIN, 4 * HOUR, 9 * HOUR, 30 * HOUR]) expect(businessMsBetween(istanbul, from, addBusinessMs(istanbul, from, ms))).toBe(ms);
  });
});

describe('several shifts a day (09:00-12:00 and 13:00-18:00)', () => {
  const split: BusinessCalendar = {
    timezone: 'Europe/Istanbul', week: weekdays([{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }]), holidays: [],
  };

  test('the lunch break is closed and does not count', () => {
    expect(isOpen(split, new Date('2026-11-26T09:30:00Z'))).toBe(false); // Thu 12:30
    expect(isOpen(split, new Date('2026-11-26T10:00:00Z'))).toBe(true); // Thu 13:00
    expect(addBusinessMs(split, new Date('2026-11-26T08:30:00Z'), HOUR).toISOString()).toBe('2026-11-26T10:30:00.000Z'); // 11:30 + 1h = 13:30
    expect(businessMsBetween(split, new Date('2026-11-26T06:00:00Z'), new Date('2026-11-26T15:00:00Z'))).toBe(8 * HOUR);
    expect(nextOpening(split, new Date('2026-11-26T09:15:00Z'))?.toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });
});

describe('Europe/Berlin across DST switches', () => {
  const berlin: BusinessCalendar = {
    timezone: 'Europe/Berlin',
    week: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: nineToSix, 7: [{ start: '00:00', end: '06:00' }, ...nineToSix] },
    holidays: [],
  };

  test('shift times follow local wall clock: Saturday 17:00 CET + 2h is Sunday 10:00 CEST', () => {
    // 2026-03-29 02:00 CET -> 03:00 CEST.
    const weekends: BusinessCalendar = { ...berlin, week: { ...berlin.week, 7: nineToSix } };
    expect(addBusinessMs(weekends, new Date('2026-03-28T16:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(isOpen(berlin, new Date('2026-03-29T07:00:00Z'))).toBe(true); // Sunday 09:00 CEST
    expect(isOpen(berlin, new Date('2026-03-29T06:30:00Z'))).toBe(false); // Sunday 08:30 CEST
  });

  test('a night shift loses the skipped hour in spring and gains the repeated hour in autumn', () => {
    expect(businessMsBetween(berlin, new Date('2026-03-28T22:00:00Z'), new Date('2026-03-29T06:00:00Z'))).toBe(5 * HOUR);
    // 2026-10-25 03:00 CEST -> 02:00 CET.
    expect(businessMsBetween(berlin, new Date('2026-10-24T20:00:00Z'), new Date('2026-10-25T07:00:00Z'))).toBe(7 * HOUR);
  });
});

describe('ALWAYS_OPEN', () => {
  test('business time is wall-clock time', () => {
    const from = new Date('2026-11-28T23:30:00Z');
    expect(isOpen(ALWAYS_OPEN, from)).toBe(true);
    expect(addBusinessMs(ALWAYS_OPEN, from, 90 * MIN).toISOString()).toBe('2026-11-29T01:00:00.000Z');
    expect(businessMsBetween(ALWAYS_OPEN, from, new Date('2026-11-30T23:30:00Z'))).toBe(48 * HOUR);
    expect(nextOpening(ALWAYS_OPEN, from)?.toISOString()).toBe(from.toISOString());
    expect(calendarSchema.safeParse(ALWAYS_OPEN).success).toBe(true);
  });
});

describe('calendarSchema', () => {
  const messages = (input: unknown) => {
    const r = calendarSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  test('accepts a calendar and fills missing days and holidays with none', () => {
    const r = calendarSchema.parse({ timezone: 'Europe/Istanbul', week: { 1: nineToSix } });
    expect(r.week[2]).toEqual([]);
    expect(r.holidays).toEqual([]);
  });

  test('refuses unknown zones, bad times, reversed, unordered or overlapping shifts, bad holidays and empty weeks', () => {
    expect(messages({ timezone: 'Mars/Olympus', week: { 1: nineToSix } })).toEqual([expect.stringMatching(/IANA zone/)]);
    expect(messages({ timezone: 'UTC', week: { 1: [{ start: '9:00', end: '18:00' }] } })).toEqual([expect.stringMatching(/HH:mm/)]);
    expect(messages({ timezone: 'UTC', week: { 1: [{ start: '18:00', end: '09:00' }] } })).toEqual([expect.stringMatching(/end after/)]);
    expect(messages({ timezone: 'UTC', week: { 1: [{ start: '13:00', end: '18:00' }, { start: '09:00', end: '12:00' }] } }))
      .toEqual([expect.stringMatching(/in order/)]);
    expect(messages({ timezone: 'UTC', week: { 1: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '18:00' }] } }))
      .toEqual([expect.stringMatching(/overlap/)]);
    expect(messages({ timezone: 'UTC', week: { 1: nineToSix }, holidays: ['2026-02-30'] })).toEqual([expect.stringMatching(/YYYY-MM-DD/)]);
    expect(messages({ timezone: 'UTC', week: {} })).toEqual([expect.stringMatching(/at least one shift/)]);
    expect(messages({ timezone: 'UTC', week: { 8: nineToSix, 1: nineToSix } }).length).toBeGreaterThan(0);
  });
});
