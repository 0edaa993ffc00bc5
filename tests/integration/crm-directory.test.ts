import { Types } from 'mongoose';
import { ingest } from '../../src/services/ingest/ingest';
import { setTeamAccessMode } from '../../src/services/access';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';

// The Customers directory: filters, sorts and pages come from the Redis index, which every customer and conversation
// write through the repositories keeps in step, and which a rebuild from the store makes again identically.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
const ids: Record<string, string> = {};
type Page = { items: { id: string; name?: string; email?: string; labels: string[]; conversations: number; channels: string[] }[]; total: number; next: string | null };

beforeAll(async () => {
  hub = await startTestHub(testConfig('crmdir'), 'hub');
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  supervisor = await signedInAgent(hub, 'super@kanal.test', 'Süpervizör', 'supervisor');
  await admin.api('PUT', '/attribute-definitions/customer/plan', { type: 'list', label: 'Plan', options: ['temel', 'pro'] });
  await admin.api('PUT', '/attribute-definitions/customer/ltv', { type: 'currency', label: 'Değer', currency: 'TRY' });
  await admin.api('PUT', '/attribute-definitions/customer/renewal', { type: 'date', label: 'Yenileme' });
  // Five customers, first seen in this order; "b" writes twice (two channels), "e" is only in the web chat.
  const m = hub.deps.models;
  for (const [i, who] of ['a', 'b', 'c', 'd'].entries()) {
    ids[who] = String((await ingest(m, null, { ...emailMessage(`dir-${who}`, `${who}@example.com`), from: { address: `${who}@example.com`, name: `Müşteri ${who.toUpperCase()}` }, sentAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() })).customerId);
  }
  ids.e = String((await ingest(m, null, webchatMessage('dir-e', 'visitor-e'))).customerId);
  const again = await ingest(m, null, { ...webchatMessage('dir-b2', 'visitor-b'), sentAt: new Date().toISOString() });
  await admin.api('POST', `/customers/${ids.b}/merge`, { sourceId: String(again.customerId) }); // b now also wrote on the web chat
});
afterAll(async () => {
  await hub.stop();
});

const list = async (query: string) => {
  const res = await supervisor.api<Page>('GET', `/directory/customers?${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const names = (p: Page) => p.items.map((c) => c.email ?? c.id);

test('filters by label, language, channel, attribute and conversation count, in step with each write', async () => {
  expect((await list('sort=first&dir=asc')).total).toBe(5);
  await supervisor.api('POST', '/directory/labels', { ids: [ids.a, ids.c], add: ['VIP'] });
  expect(names(await list('label=vip&sort=first&dir=asc'))).toEqual(['a@example.com', 'c@example.com']);
  await supervisor.api('POST', '/directory/labels', { ids: [ids.c], remove: ['vip'] });
  expect(names(await list('label=vip'))).toEqual(['a@example.com']);

  await admin.api('PATCH', `/customers/${ids.b}/attributes`, { attributes: { plan: 'pro', ltv: '1500', renewal: '2026-06-01' } });
  await admin.api('PATCH', `/customers/${ids.d}/attributes`, { attributes: { plan: 'pro', ltv: '250', renewal: '2026-02-01' } });
  await admin.api('PATCH', `/customers/${ids.a}/attributes`, { attributes: { plan: 'temel', ltv: '900' } });
  expect(names(await list('attr=plan:pro&sort=first&dir=asc'))).toEqual(['b@example.com', 'd@example.com']);
  expect(names(await list('attr=ltv>=500&sort=attr:ltv&dir=desc'))).toEqual(['b@example.com', 'a@example.com']);
  expect(names(await list('attr=ltv>=200&attr=ltv<=1000&attr=plan:pro'))).toEqual(['d@example.com']);
  expect(names(await list('attr=renewal<=2026-03-01&sort=attr:renewal'))).toEqual(['d@example.com']);
  // A changed value moves the customer between sets.
  await admin.api('PATCH', `/customers/${ids.d}/attributes`, { attributes: { plan: 'temel' } });
  expect(names(await list('attr=plan:pro'))).toEqual(['b@example.com']);

  const b = (await list('channel=webchat&sort=first&dir=asc')).items;
  expect(b.map((c) => c.id)).toEqual([ids.b, ids.e]); // the merged-in web chat customer is not listed itself
  expect(b[0]).toMatchObject({ conversations: 2, channels: ['email', 'webchat'] });
  expect(names(await list('convMin=2'))).toEqual(['b@example.com']);
  expect((await list('convMin=1')).total).toBe(5);
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  expect((await list(`firstFrom=${today}&firstTo=${today}`)).total).toBe(5);
  expect((await list(`firstTo=${yesterday}`)).total).toBe(0);
  expect((await list(`lastFrom=${today}&channel=email`)).total).toBe(4);

  await hub.deps.models.customers.setLanguage(new Types.ObjectId(ids.c), 'en');
  expect(names(await list('language=en'))).toEqual(['c@example.com']);

  // Bad filters are 400s that say why.
  const bad = await supervisor.api('GET', '/directory/customers?attr=plan>=pro');
  expect(bad.status).toBe(400);
  expect(bad.body.error).toContain('plan is list');
  expect((await supervisor.api('GET', '/directory/customers?sort=attr:plan')).status).toBe(400);
  expect((await supervisor.api('GET', '/directory/customers?attr=nope:1')).status).toBe(400);
});

test('sorts and pages: every customer once across pages, newest contact first', async () => {
  const seen: string[] = [];
  let cursor = '';
  for (let i = 0; i < 5; i++) {
    const page = await list(`sort=first&dir=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.total).toBe(5);
    seen.push(...page.items.map((c) => c.id));
    if (!page.next) break;
    cursor = page.next;
  }
  expect(seen).toEqual([ids.e, ids.d, ids.c, ids.b, ids.a]);
  // Contact moves its customer to the top of "last contact" (ingest writes lastSeenAt at most once a minute).
  await hub.deps.models.customers.touchLastSeen(new Types.ObjectId(ids.a), new Date(Date.now() + 60_000));
  expect((await list('sort=last&dir=desc&limit=1')).items[0]!.id).toBe(ids.a);
  // Search combines with filters.
  expect(names(await list('q=Müşteri&label=vip'))).toEqual(['a@example.com']);
});

test('a rebuild from the store gives the same answers; writes around the repositories need it', async () => {
  const queries = ['label=vip', 'attr=plan:pro', 'attr=ltv>=500&sort=attr:ltv&dir=desc', 'channel=webchat&sort=first', 'convMin=2', 'convMin=1&label=vip', 'sort=last&dir=desc'];
  const answers = async () => (await Promise.all(queries.map(list))).map((p) => ({ total: p.total, ids: p.items.map((c) => c.id), stats: p.items.map((c) => [c.conversations, c.channels]) }));
  const before = await answers();
  await collectionsOf(hub.deps.models).Customer.collection.updateOne({ _id: new Types.ObjectId(ids.e) }, { $set: { tags: ['geri-arama'] } });
  expect((await list('label=geri-arama')).total).toBe(0); // the index did not see it
  expect(await hub.deps.models.directory.rebuild()).toBe(5 + 1); // the merged customer is read, and left out
  expect(await answers()).toEqual(before);
  expect(names(await list('label=geri-arama'))).toEqual([ids.e]);
});

test('the directory is for those who see every conversation; bulk labelling for supervisors', async () => {
  const agent = await signedInAgent(hub, 'temsilci@kanal.test', 'Temsilci');
  await setTeamAccessMode(hub.deps.models, null, 'team', null);
  expect((await agent.api('GET', '/directory/customers')).status).toBe(403);
  expect((await agent.api('GET', '/directory/customers.csv')).status).toBe(403);
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  expect((await agent.api('GET', '/directory/customers')).status).toBe(200);
  expect((await agent.api('POST', '/directory/labels', { ids: [ids.a], add: ['x'] })).status).toBe(403);
  expect((await agent.api('POST', '/directory/import', undefined)).status).toBe(403);
  expect((await agent.api('GET', '/directory/customers', undefined, false)).status).toBe(401);
  const doc = (await agent.api('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
    '/api/directory/customers', '/api/directory/customers.csv', '/api/directory/labels', '/api/directory/import',
    '/api/attribute-definitions/{scope}/{key}', '/api/customers/{id}/attributes', '/api/conversations/{id}/attributes',
  ]));
});

test('bulk label by filter, and the CSV export of the filtered list', async () => {
  const res = await supervisor.api('POST', '/directory/labels', { filter: { attr: ['plan:pro'] }, add: ['Yenilenecek'] });
  expect(res.body).toEqual({ changed: 1 });
  expect(names(await list('label=yenilenecek'))).toEqual(['b@example.com']);

  const csv = await fetch(`${hub.url}/api/directory/customers.csv?attr=ltv%3E%3D200&sort=attr:ltv&dir=asc`, { headers: { authorization: `Bearer ${supervisor.token}` } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('id,name,email,phone,language,labels,first_seen,last_contact,conversations,channels,ltv,plan,renewal');
  expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['d@example.com', 'a@example.com', 'b@example.com']);
  expect(lines[3]).toContain(',1500,pro,2026-06-01');
});
