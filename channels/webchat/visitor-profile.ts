import type { VisitorProfile } from '../../src/domain/visitor';

/** What the widget reports of the page it runs on (the session request's `context`). */
export interface PageContext {
  url?: string;
  referrer?: string;
  language?: string;
  timezone?: string;
}

/** Browser and OS from a User-Agent: the common ones by name, in the order that tells them apart (Edge says Chrome too). */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'], [/\bOPR\/|\bOpera\b/, 'Opera'], [/\bYaBrowser\//, 'Yandex'], [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'], [/\bCriOS\/|\bChrome\/|\bChromium\//, 'Chrome'], [/\bVersion\/[\d.]+.*Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, 'Android'], [/\b(iPhone|iPad|iPod)\b/, 'iOS'], [/\bWindows\b/, 'Windows'], [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'], [/\bLinux\b/, 'Linux'],
];
export const browserOf = (ua: string): string | undefined => BROWSERS.find(([re]) => re.test(ua))?.[1];
export const osOf = (ua: string): string | undefined => SYSTEMS.find(([re]) => re.test(ua))?.[1];

/** Zones whose city is written differently in Turkish; any other zone's city is its last part ("America/New_York" → "New York"). */
const TURKISH_CITY: Record<string, string> = {
  'Europe/Istanbul': 'İstanbul', 'Asia/Istanbul': 'İstanbul', 'Europe/London': 'Londra', 'Europe/Moscow': 'Moskova', 'Europe/Athens': 'Atina',
  'Europe/Vienna': 'Viyana', 'Europe/Brussels': 'Brüksel', 'Europe/Rome': 'Roma', 'Europe/Warsaw': 'Varşova', 'Europe/Prague': 'Prag',
  'Europe/Lisbon': 'Lizbon', 'Europe/Belgrade': 'Belgrad', 'Europe/Bucharest': 'Bükreş', 'Europe/Copenhagen': 'Kopenhag', 'Asia/Baku': 'Bakü',
  'Asia/Nicosia': 'Lefkoşa', 'Europe/Nicosia': 'Lefkoşa', 'Asia/Tbilisi': 'Tiflis', 'Asia/Tehran': 'Tahran', 'Asia/Baghdad': 'Bağdat',
  'Asia/Riyadh': 'Riyad', 'Asia/Tokyo': 'Tokyo', 'America/New_York': 'New York', 'Europe/Kiev': 'Kiev', 'Europe/Kyiv': 'Kiev',
};
const ZONE = /^[A-Za-z]+(\/[A-Za-z0-9_+-]+){1,2}$/;
/** The city a time zone is named after, in both languages; undefined for "UTC", "Etc/GMT+3" and the like. */
export function cityOfZone(zone: string | undefined): { tr: string; en: string } | undefined {
  if (!zone || !ZONE.test(zone) || zone.startsWith('Etc/')) return undefined;
  const en = zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');
  return { tr: TURKISH_CITY[zone] ?? en, en };
}

const clip = (s: string | undefined, max: number) => (s ? s.slice(0, max) : undefined);
/** Only http(s) addresses are kept as the page and referrer (never a javascript: or data: text shown as a link). */
const webAddress = (s: string | undefined) => (s && /^https?:\/\//i.test(s) ? s.slice(0, 500) : undefined);

/**
 * The visitor's profile at session start: browser and OS from the User-Agent, the city from the trusted proxy header
 * when there is one (WIDGET_CITY_HEADER), else the time zone's city, and the page's address, referrer, language and
 * zone; the readable name joins what is known ("Ziyaretçi · İstanbul · Chrome", "Visitor · Istanbul · Chrome").
 */
export function visitorProfile(input: { userAgent?: string; headerCity?: string; page?: PageContext }): VisitorProfile {
  const ua = input.userAgent ?? '';
  const browser = browserOf(ua);
  const os = osOf(ua);
  const headerCity = input.headerCity?.trim().slice(0, 120);
  const timezone = input.page?.timezone && ZONE.test(input.page.timezone) ? input.page.timezone.slice(0, 64) : undefined;
  const city = headerCity ? { tr: headerCity, en: headerCity } : cityOfZone(timezone);
  const label = (word: string, c?: string) => [word, c, browser].filter(Boolean).join(' · ');
  const profile: VisitorProfile = { label: { tr: label('Ziyaretçi', city?.tr), en: label('Visitor', city?.en) } };
  if (browser) profile.browser = browser;
  if (os) profile.os = os;
  if (city) [profile.city, profile.cityFrom] = [city, headerCity ? 'header' : 'timezone'];
  if (timezone) profile.timezone = timezone;
  const language = clip(input.page?.language, 35);
  if (language && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) profile.language = language;
  const pageUrl = webAddress(input.page?.url);
  if (pageUrl) profile.pageUrl = pageUrl;
  const referrer = webAddress(input.page?.referrer);
  if (referrer) profile.referrer = referrer;
  return profile;
}
