import type { BusinessCalendar, Shift } from '../../src/domain/business-hours';
import { snoozePresets } from '../../src/domain/snooze-presets';

// Istanbul (UTC+3 all year) 09:00-18:00 Monday to Friday; Monday 2026-12-07 a holiday in the second calendar.
const nineToSix: Shift[] = [{ start: '09:00', end: '18:00' }];
const week: BusinessCalendar['week'] = { 1: nineToSix, 2: nineToSix, 3: nineToSix, 4: nineToSix, 5: nineToSix, 6: [], 7: [] };
const istanbul: BusinessCalendar = { timezone: 'Europe/Istanbul', week, holidays: [] };
const at = (calendar: BusinessCalendar | null, now: string, zone = 'UTC') =>
  Object.fromEntries(snoozePresets(calendar, new Date(now), zone).map((p) => [p.key, p.at.toISOString()]));

test('on a Wednesday afternoon: an hour later, Thursday 09:00, next Monday 09:00 (team time)', () => {
  expect(at(istanbul, '2026-12-02T11:00:00Z')).toEqual({ // Wed 14:00 local
    in1h: '2026-12-02T12:00:00.000Z', tomorrow: '2026-12-03T06:00:00.000Z', nextWeek: '2026-12-07T06:00:00.000Z',
  });
});

test('"1 hour" counts business time: at 17:30 on Friday it is Monday 09:30; "tomorrow" skips the weekend', () => {
  expect(at(istanbul, '2026-12-04T14:30:00Z')).toEqual({ // Fri 17:30 local
    in1h: '2026-12-07T06:30:00.000Z', tomorrow: '2026-12-07T06:00:00.000Z', nextWeek: '2026-12-07T06:00:00.000Z',
  });
});

test('a holiday Monday moves "next week" to Tuesday\'s opening', () => {
  expect(at({ ...istanbul, holidays: ['2026-12-07'] }, '2026-12-02T11:00:00Z').nextWeek).toBe('2026-12-08T06:00:00.000Z');
});

test('"tomorrow" and "next week" are local days of the team: 21:30 UTC on Wednesday is already Thursday in Istanbul', () => {
  expect(at(istanbul, '2026-12-02T21:30:00Z').tomorrow).toBe('2026-12-04T06:00:00.000Z'); // Thu 00:30 local → Fri 09:00
  expect(at(istanbul, '2026-12-06T21:30:00Z').nextWeek).toBe('2026-12-14T06:00:00.000Z'); // Mon 00:30 local → the Monday after
});

test('without a calendar: wall-clock hour, tomorrow and next Monday at 09:00 in the agent\'s zone', () => {
  expect(at(null, '2026-12-04T14:30:00Z', 'Europe/Berlin')).toEqual({ // Fri 15:30 in Berlin (UTC+1)
    in1h: '2026-12-04T15:30:00.000Z', tomorrow: '2026-12-05T08:00:00.000Z', nextWeek: '2026-12-07T08:00:00.000Z',
  });
});
