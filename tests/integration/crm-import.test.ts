import { collectionsOf } from '../../src/store/collections';
import { ingest } from '../../src/services/ingest/ingest';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';

// CSV import: a dry run reports what would be created, updated, merged or rejected and why, writing nothing; a file
// with one bad line writes nothing; E.164 spellings of one number are one customer; a re-run changes nothing.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let existingId = '';

beforeAll(async () => {
  hub = await startTestHub(testConfig('crmimport'), 'hub');
  const admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  supervisor = await signedInAgent(hub, 'super@kanal.test', 'Süpervizör', 'supervisor');
  await admin.api('PUT', '/attribute-definitions/customer/plan', { type: 'list', label: 'Plan', options: ['temel', 'pro'] });
  await admin.api('PUT', '/attribute-definitions/customer/ltv', { type: 'currency', label: 'Değer', currency: 'TRY' });
  existingId = String((await ingest(hub.deps.models, null, emailMessage('imp1', 'mevcut@example.com'))).customerId);
});
afterAll(async () => {
  await hub.stop();
});

async function upload(csv: string, dryRun: boolean) {
  const res = await fetch(`${hub.url}/api/directory/import?dryRun=${dryRun}`, {
    method: 'POST', headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'text/csv' }, body: csv,
  });
  return { status: res.status, body: await res.json() };
}
const counts = async () => {
  const c = collectionsOf(hub.deps.models);
  return { customers: await c.Customer.countDocuments({}), identities: await c.Identity.countDocuments({}) };
};

const good = [
  'name,email,phone,language,labels,plan,ltv',
  'Ayşe Yılmaz,ayse@example.com,0532 123 45 67,tr,VIP|kargo,pro,1500',
  'Mevcut Müşteri,MEVCUT@example.com,,,,temel,',
  'Ayşe Y.,,+90 532 123 45 67,,bayi,,250',
  'Can Demir,can@example.com,905551112233,en,,,',
].join('\r\n');

test('a dry run says what would happen and why, and writes nothing', async () => {
  const before = await counts();
  const dry = await upload(good, true);
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({
    dryRun: true, written: false,
    created: [{ line: 2, email: 'ayse@example.com', phone: '+905321234567' }, { line: 5, email: 'can@example.com', phone: '+905551112233' }],
    updated: [{ line: 3, email: 'mevcut@example.com', customerId: existingId }],
    merged: [{ line: 4, into: 2 }], // the same number in another spelling
    rejected: [],
  });
  expect(await counts()).toEqual(before);
});

test('one bad line: a report naming each problem, and nothing written (not even the good lines)', async () => {
  const before = await counts();
  const bad = `${good}\r\nKimsesiz,,,,,,\r\nYanlış,yanlis@,12,xx-yy-zz,,gold,on lira\r\nÇakışan,ayse@example.com,0555 000 00 00,,,,`;
  const res = await upload(bad, false);
  expect(res.status).toBe(422);
  expect(res.body.written).toBe(false);
  expect(res.body.rejected).toEqual([
    { line: 6, reason: 'needs an email or a phone' },
    { line: 7, reason: expect.stringMatching(/email: not an address.*phone: not a valid number.*language: .*ltv: not an amount.*plan: not one of: temel, pro/) },
    { line: 8, reason: 'same email as line 2 but a different phone' },
  ]);
  expect(await counts()).toEqual(before);
  // A file-level problem is a 400 before any line is read.
  expect((await upload('name,shoe_size\r\nA,42', true)).status).toBe(400);
  expect((await upload('name\r\nA', true)).status).toBe(400);
});

test('the import writes, merges E.164 duplicates into one customer, updates by address, and a re-run changes nothing', async () => {
  const before = await counts();
  const res = await upload(good, false);
  expect(res.status).toBe(200);
  expect(res.body.written).toBe(true);
  expect(await counts()).toEqual({ customers: before.customers + 2, identities: before.identities + 4 });

  const ayse = res.body.created[0].customerId as string;
  const view = await supervisor.api('GET', `/customers/${ayse}`);
  expect(view.body).toMatchObject({
    name: 'Ayşe Y.', email: 'ayse@example.com', phone: '+905321234567', language: 'tr', tags: ['vıp', 'kargo', 'bayi'],
    attributes: { plan: 'pro', ltv: { amount: 250, currency: 'TRY' } },
  });
  expect((await supervisor.api('GET', `/customers/${existingId}`)).body).toMatchObject({ name: 'Mevcut Müşteri', attributes: { plan: 'temel' } });
  // In the directory and the search index at once.
  const found = await supervisor.api('GET', '/directory/customers?attr=plan:pro&label=vip');
  expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([ayse]);
  expect((await supervisor.api('GET', '/directory/customers?q=05321234567')).body.items.map((c: { id: string }) => c.id)).toEqual([ayse]);
  // Imported customers have not written: "at least one conversation" is only the one who did.
  expect((await supervisor.api('GET', '/directory/customers?convMin=1')).body.items.map((c: { id: string }) => c.id)).toEqual([existingId]);
  // A later message from that number reaches the imported customer.
  const sms = await ingest(hub.deps.models, null, { channel: 'sms', dedupeKey: 'sms:imp-1', providerId: 'imp-1', from: { address: '+905321234567' }, text: 'Merhaba', attachments: [], sentAt: new Date().toISOString() });
  expect(String(sms.customerId)).toBe(ayse);

  const again = await upload(good, false);
  expect(again.status).toBe(200);
  expect(again.body.created).toEqual([]);
  expect(again.body.updated.map((u: { line: number }) => u.line)).toEqual([2, 3, 5]);
  expect(await counts()).toEqual({ customers: before.customers + 2, identities: before.identities + 4 });
  expect((await supervisor.api('GET', `/customers/${ayse}`)).body.tags).toEqual(['vıp', 'kargo', 'bayi']);
});
