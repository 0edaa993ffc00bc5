import { ingest } from '../../src/services/ingest';
import { turkishPattern } from '../../src/services/search';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// Search across customers and message text on the real store, Turkish casing included.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let api: Awaited<ReturnType<typeof signedInAgent>>['api'];
const find = (q: string) => api('GET', `/search?q=${encodeURIComponent(q)}`);

beforeAll(async () => {
  hub = await startTestHub(testConfig('search'), 'hub');
  ({ api } = await signedInAgent(hub, 'su@kanal.test', 'Su'));
  const m = hub.deps.models;
  await ingest(m, null, { ...webchatMessage('s1', 'v-irmak', 'İADE istiyorum, ürün kırık geldi'), from: { address: 'v-irmak', name: 'IRMAK Işıkçı' } });
  await ingest(m, null, { ...webchatMessage('s2', 'v-ilker', 'Kargom nerede?'), from: { address: 'v-ilker', name: 'İlker Şahin' } });
  await ingest(m, null, { channel: 'sms', dedupeKey: 'sms:s4', from: { address: '+905551112233' }, text: 'SMS', attachments: [], sentAt: new Date().toISOString(),
    linkedIdentities: [{ channel: 'email', address: 'sms.kisi@example.com' }] });
  await ingest(m, null, { channel: 'email', dedupeKey: 'email:s3', from: { address: 'Zehra.Oz@Example.com', name: 'Zehra Öz' }, text: 'Fatura iade edilsin', attachments: [], sentAt: new Date().toISOString() });
});
afterAll(async () => {
  await hub.stop();
});

test('the pattern folds Turkish case pairs and escapes regex characters', () => {
  expect(new RegExp(turkishPattern('ırmak')).test('IRMAK')).toBe(true);
  expect(new RegExp(turkishPattern('irmak')).test('IRMAK')).toBe(false); // I is the capital of ı, not of i
  expect(new RegExp(turkishPattern('İLKER')).test('ilker')).toBe(true);
  expect(new RegExp(turkishPattern('a.b')).test('axb')).toBe(false);
});

test('customers by name (word start, Turkish-aware), email prefix; messages by text', async () => {
  expect((await find('ırmak')).body.customers.map((c: any) => c.name)).toEqual(['IRMAK Işıkçı']);
  expect((await find('ışık')).body.customers.map((c: any) => c.name)).toEqual(['IRMAK Işıkçı']);
  expect((await find('ilker')).body.customers.map((c: any) => c.name)).toEqual(['İlker Şahin']);
  expect((await find('zehra.oz@')).body.customers.map((c: any) => c.name)).toEqual(['Zehra Öz']);
  // Phone numbers and further addresses are found through the customer's identities.
  expect((await find('+90555111')).body.customers).toHaveLength(1);
  // Turkish national format (0 5xx…) is a digit substring of the E.164 number (+90 5xx…).
  expect((await find('0555 111')).body.customers).toHaveLength(1);
  expect((await find('sms.kisi')).body.customers).toHaveLength(1);
  const iade = (await find('iade')).body.messages.map((m: any) => m.text).sort();
  expect(iade).toEqual(['Fatura iade edilsin', 'İADE istiyorum, ürün kırık geldi']);
  expect((await find('iade')).body.messages.find((m: any) => m.text.startsWith('İADE')).customerName).toBe('IRMAK Işıkçı');
  expect((await find('yok böyle')).body).toEqual({ customers: [], messages: [] });
  expect((await find('a')).status).toBe(400);
});
