import { ConfigError, loadConfig } from '../../src/config';

const good = { MONGODB_URI: 'mongodb://127.0.0.1:27017/kanal', JWT_SECRET: 'x'.repeat(32), WIDGET_TOKEN_SECRET: 'y'.repeat(32) };

test('defaults apply when only the required values are given', () => {
  const c = loadConfig(good);
  expect(c.PORT).toBe(3000);
  expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
});

test('every bad value is named with its own message, without echoing secrets', () => {
  let err: unknown;
  try {
    loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', JWT_SECRET: 'short-secret-value', WIDGET_TOKEN_SECRET: 'y'.repeat(32) });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const text = (err as Error).message;
  expect(text).toMatch(/PORT:/);
  expect(text).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
  expect(text).toMatch(/JWT_SECRET: must be at least 32 characters/);
  expect(text).not.toContain('short-secret-value');
  expect(text).not.toMatch(/WIDGET_TOKEN_SECRET/);
});

test('WHATSAPP_TEMPLATES is checked at start: bad JSON or a bad template stops the process with the reason', () => {
  const sid = `HX${'a'.repeat(32)}`;
  const templates = { siparis_kargoda: { contentSid: sid, variables: ['customer', 'order'], preview: 'Merhaba {{1}}, {{2}} kargoda.' } };
  expect(loadConfig({ ...good, WHATSAPP_TEMPLATES: JSON.stringify(templates) }).WHATSAPP_TEMPLATES).toBe(JSON.stringify(templates));
  expect(() => loadConfig({ ...good, WHATSAPP_TEMPLATES: '{siparis: ' })).toThrow(/WHATSAPP_TEMPLATES: must be JSON/);
  expect(() => loadConfig({ ...good, WHATSAPP_TEMPLATES: JSON.stringify({ siparis: { contentSid: 'HX1' } }) }))
    .toThrow(/WHATSAPP_TEMPLATES: siparis\.contentSid: must be a Twilio content SID/);
  expect(() => loadConfig({ ...good, WHATSAPP_TEMPLATES: JSON.stringify({ 'Sipariş': { contentSid: sid } }) }))
    .toThrow(/WHATSAPP_TEMPLATES: .*template names are lowercase letters, digits and _/);
});

test('web chat rates read as per visitor, per address and window; a malformed one stops the start', () => {
  const c = loadConfig({ ...good, WIDGET_RATE_HISTORY: '7,70/30s' });
  expect(c.WIDGET_RATE_HISTORY).toEqual({ visitor: 7, ip: 70, windowMs: 30_000 });
  expect(c.WIDGET_RATE_TYPING).toEqual({ visitor: 30, ip: 300, windowMs: 10_000 });
  expect(() => loadConfig({ ...good, WIDGET_RATE_SEND: '20 per 10s' })).toThrow(/WIDGET_RATE_SEND: must look like 30,300\/60s/);
});
