import { avatarColour, initials } from '../../channels/webchat/widget/avatar';
import { stringsOf } from '../../channels/webchat/widget/i18n';
import { fileSize, messageTime } from '../../channels/webchat/widget/time';

// What the widget prints beside messages: times in its language, file sizes, an agent's initials.
const now = new Date(2026, 10, 30, 15, 30, 20); // local time: the widget formats in the visitor's zone
const at = (d: number, h: number, m: number) => new Date(2026, 10, d, h, m).toISOString();

test.each([
  ['tr', at(30, 15, 30), 'şimdi'],
  ['en', at(30, 15, 30), 'now'],
  ['tr', at(30, 15, 25), '5 dk. önce'],
  ['en', at(30, 15, 25), '5 min ago'],
  ['tr', at(30, 9, 5), '09:05'],
  ['en', at(30, 9, 5), '09:05'],
  ['tr', at(29, 18, 40), 'dün 18:40'],
  ['en', at(29, 18, 40), 'yesterday 18:40'],
  ['tr', at(12, 8, 0), '12 Kas 08:00'],
  ['en', at(12, 8, 0), '12 Nov 08:00'],
] as const)('%s: %s reads %s', (locale, iso, expected) => {
  expect(messageTime(iso, locale, stringsOf(locale), now)).toBe(expected);
});

test('an older year shows the year; a broken date shows nothing', () => {
  expect(messageTime(new Date(2025, 0, 3, 10, 0).toISOString(), 'en', stringsOf('en'), now)).toBe('3 Jan 2025 10:00');
  expect(messageTime('not a date', 'tr', stringsOf('tr'), now)).toBe('');
});

test('file sizes in the widget language', () => {
  expect(fileSize(512, 'tr')).toBe('512 B');
  expect(fileSize(2048, 'en')).toBe('2 KB');
  expect(fileSize(1.5 * 1024 * 1024, 'tr')).toBe('1,5 MB');
  expect(fileSize(1.5 * 1024 * 1024, 'en')).toBe('1.5 MB');
});

test('initials of a display name, Turkish letters upper-cased the Turkish way, and a stable colour', () => {
  expect(initials('Deniz Aksoy', 'tr')).toBe('DA');
  expect(initials('ilknur can yılmaz', 'tr')).toBe('İY');
  expect(initials('  Selin ', 'en')).toBe('S');
  expect(initials('', 'en')).toBe('?');
  expect(avatarColour('Deniz Aksoy')).toBe(avatarColour('Deniz Aksoy'));
  expect(avatarColour('Deniz Aksoy')).not.toBe(avatarColour('Emre Demir'));
});
