import { browserOf, cityOfZone, osOf, visitorProfile } from '../../channels/webchat/visitor-profile';

const UA = {
  chromeWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  samsung: 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

test('browser and OS from common user agents (Edge and Samsung Internet are not taken for Chrome, nor Chrome for Safari)', () => {
  expect([browserOf(UA.chromeWin), osOf(UA.chromeWin)]).toEqual(['Chrome', 'Windows']);
  expect([browserOf(UA.edge), osOf(UA.edge)]).toEqual(['Edge', 'Windows']);
  expect([browserOf(UA.safariIphone), osOf(UA.safariIphone)]).toEqual(['Safari', 'iOS']);
  expect([browserOf(UA.firefoxLinux), osOf(UA.firefoxLinux)]).toEqual(['Firefox', 'Linux']);
  expect([browserOf(UA.samsung), osOf(UA.samsung)]).toEqual(['Samsung Internet', 'Android']);
  expect([browserOf(UA.chromeMac), osOf(UA.chromeMac)]).toEqual(['Chrome', 'macOS']);
  expect([browserOf('curl/8.0'), osOf('curl/8.0')]).toEqual([undefined, undefined]);
});

test('the city a time zone is named after, in Turkish and English; none for UTC-like zones', () => {
  expect(cityOfZone('Europe/Istanbul')).toEqual({ tr: 'İstanbul', en: 'Istanbul' });
  expect(cityOfZone('America/New_York')).toEqual({ tr: 'New York', en: 'New York' });
  expect(cityOfZone('America/Argentina/Buenos_Aires')).toEqual({ tr: 'Buenos Aires', en: 'Buenos Aires' });
  expect(cityOfZone('UTC')).toBeUndefined();
  expect(cityOfZone('Etc/GMT+3')).toBeUndefined();
  expect(cityOfZone('<script>')).toBeUndefined();
});

test('the readable name joins what is known; a trusted header city wins over the zone; only http(s) pages are kept', () => {
  const p = visitorProfile({ userAgent: UA.chromeWin, page: { timezone: 'Europe/Istanbul', url: 'https://shop.example/a', referrer: 'javascript:alert(1)', language: 'tr-TR' } });
  expect(p.label).toEqual({ tr: 'Ziyaretçi · İstanbul · Chrome', en: 'Visitor · Istanbul · Chrome' });
  expect(p).toMatchObject({ browser: 'Chrome', os: 'Windows', cityFrom: 'timezone', pageUrl: 'https://shop.example/a', language: 'tr-TR' });
  expect(p.referrer).toBeUndefined();
  expect(visitorProfile({ userAgent: UA.firefoxLinux, headerCity: 'Ankara', page: { timezone: 'Europe/Istanbul' } })).toMatchObject({
    label: { tr: 'Ziyaretçi · Ankara · Firefox', en: 'Visitor · Ankara · Firefox' }, city: { tr: 'Ankara', en: 'Ankara' }, cityFrom: 'header',
  });
  expect(visitorProfile({}).label).toEqual({ tr: 'Ziyaretçi', en: 'Visitor' });
  expect(visitorProfile({ page: { language: 'not a language!' } }).language).toBeUndefined();
});
