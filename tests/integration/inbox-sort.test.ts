import { io as connect, type Socket } from 'socket.io-client';
import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { ConversationView, CustomerView } from '../../src/domain/views';
import { ingest } from '../../src/services/ingest/ingest';
import { setTeamAccessMode } from '../../src/services/access';
import { createTeam } from '../../src/services/agents/agents';
import { DEFAULT_CSAT_SETTINGS } from '../../src/domain/csat';
import { DEFAULT_KEY, putSetting } from '../../src/services/sla/sla-settings';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected } from '../helpers/sockets';

// The inbox's sorts (newest, longest wait, priority) and exact-priority filter served by the inbox index, personal
// saved views, and the web chat visitor's readable name and profile, through the real API.

let hub: Awaited<ReturnType<typeof startTestHub>>;
let sup: Awaited<ReturnType<typeof signedInAgent>>;
const sockets: Socket[] = [];
let seq = 0;
const ids: Record<string, string> = {};

const inbound = (address: string, name: string): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:sort-${++seq}-${new Types.ObjectId()}`, from: { address, name }, text: `merhaba ${seq}`,
  attachments: [], sentAt: new Date().toISOString(),
});
const page = (q: string) => sup.api<{ items: ConversationView[]; nextCursor: string | null }>('GET', `/conversations?${q}`);
const names = (items: ConversationView[]) => items.map((c) => c.customerName);
/** Every page of a listing, following the cursors. */
async function walk(q: string, limit: number): Promise<string[]> {
  const out: (string | undefined)[] = [];
  let cursor: string | null = null;
  do {
    const res = await page(`${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    out.push(...names(res.body.items));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out as string[];
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('inboxsort'), 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  await putSetting(hub.deps.models, DEFAULT_KEY, 'csat', { ...DEFAULT_CSAT_SETTINGS, enabled: false }, null);
  sup = await signedInAgent(hub, 'selin@kanal.test', 'Selin', 'supervisor');
  // Waits begin in this order: Ada, Burak, Cem, Deniz, Ece. Ada then writes again (newest activity, still the
  // oldest wait); Deniz is answered (no longer waiting); Burak is urgent, Cem high.
  for (const n of ['Ada', 'Burak', 'Cem', 'Deniz', 'Ece']) ids[n] = (await ingest(hub.deps.models, null, inbound(`v-${n}`, n))).conversationId;
  await ingest(hub.deps.models, null, inbound('v-Ada', 'Ada'));
  expect((await sup.api('POST', `/conversations/${ids.Deniz}/reply`, { text: 'Bakıyorum', channel: 'webchat' })).status).toBe(202);
  await waitFor(async () => (await page('status=open&limit=10')).body.items.find((c) => c.id === ids.Deniz && !c.waitingSince), 10_000, 'Deniz answered');
  expect((await sup.api('PATCH', `/conversations/${ids.Burak}/routing`, { priority: 20 })).status).toBe(200);
  expect((await sup.api('PATCH', `/conversations/${ids.Cem}/routing`, { priority: 10 })).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

/** Newest activity first, as the default sort must give it. */
async function newestOrder(): Promise<string[]> {
  const items = (await page('status=open')).body.items;
  const times = items.map((c) => new Date(c.lastActivityAt).getTime());
  expect(times).toEqual([...times].sort((a, b) => b - a));
  return names(items) as string[];
}
const byPriority = (newest: string[]) => ['Burak', 'Cem', ...newest.filter((n) => n !== 'Burak' && n !== 'Cem')];

test('newest first by default; the longest wait first; the highest priority first; every page follows its cursor', async () => {
  const newest = await newestOrder();
  expect(newest.slice(0, 2)).toEqual(['Deniz', 'Ada']); // answered last, wrote last
  expect(newest).toHaveLength(5);
  // Rows served from the index carry when each wait began (Deniz was answered).
  const rows = (await page('status=open')).body.items;
  expect(rows.filter((c) => c.waitingSince).map((c) => c.customerName).sort()).toEqual(['Ada', 'Burak', 'Cem', 'Ece']);
  expect(new Date(rows.find((c) => c.customerName === 'Ada')!.waitingSince!).getTime()).toBeLessThan(new Date(rows.find((c) => c.customerName === 'Burak')!.waitingSince!).getTime());
  // Waiting: Ada's wait began first (her second message did not restart it), Deniz (answered) comes last.
  expect(names((await page('status=open&sort=waiting')).body.items)).toEqual(['Ada', 'Burak', 'Cem', 'Ece', 'Deniz']);
  // Priority: urgent, high, then the normal ones by newest activity.
  expect(names((await page('status=open&sort=priority')).body.items)).toEqual(byPriority(newest));
  // Pages of two: the same order, nobody skipped or repeated.
  expect(await walk('status=open&sort=waiting', 2)).toEqual(['Ada', 'Burak', 'Cem', 'Ece', 'Deniz']);
  expect(await walk('status=open&sort=priority', 2)).toEqual(byPriority(newest));
  expect(await walk('status=open', 2)).toEqual(newest);
  // The exact-priority filter is a view of the index too, and combines with the sort.
  expect(names((await page('status=open&priority=20')).body.items)).toEqual(['Burak']);
  expect(names((await page('status=open&priority=0&sort=waiting')).body.items)).toEqual(['Ada', 'Ece', 'Deniz']);
  expect(names((await page('status=open&priority=0')).body.items)).toEqual(newest.filter((n) => n !== 'Burak' && n !== 'Cem'));
});

test('a priority change moves the conversation in the priority order at once', async () => {
  expect((await sup.api('PATCH', `/conversations/${ids.Ece}/routing`, { priority: 40 })).status).toBe(200);
  expect(names((await page('status=open&sort=priority')).body.items)[0]).toBe('Ece');
  expect((await sup.api('PATCH', `/conversations/${ids.Ece}/routing`, { priority: 0 })).status).toBe(200);
  expect(names((await page('status=open&sort=priority')).body.items)).toEqual(byPriority(await newestOrder()));
});

test('an unknown sort, and a cursor of another sort, are refused with 400', async () => {
  expect((await page('sort=oldest')).status).toBe(400);
  const newest = await page('status=open&limit=2');
  expect(newest.body.nextCursor).toBeTruthy();
  expect((await page(`status=open&sort=priority&cursor=${newest.body.nextCursor}`)).status).toBe(400);
  const byPriority = await page('status=open&sort=priority&limit=2');
  expect((await page(`status=open&sort=waiting&cursor=${byPriority.body.nextCursor}`)).status).toBe(400);
  expect((await page('priority=99')).status).toBe(400);
});

test('personal saved views: stored per agent, validated, and what they name filters the list', async () => {
  expect((await sup.api('GET', '/me/views')).body).toEqual([]);
  const views = [
    { id: 'urgent', name: 'Acil olanlar', filter: { status: 'open', priority: 20, sort: 'waiting' } },
    { id: 'vip', name: 'VIP', filter: { label: 'vip', assignee: 'unassigned' } },
  ];
  const put = await sup.api('PUT', '/me/views', views);
  expect(put.status).toBe(200);
  expect(put.body).toEqual(views);
  expect((await sup.api('GET', '/me/views')).body).toEqual(views);
  // Another agent has their own (none).
  const other = await signedInAgent(hub, 'ali@kanal.test', 'Ali');
  expect((await other.api('GET', '/me/views')).body).toEqual([]);
  // Refused before anything is stored: a duplicate id, an unknown filter field, a nameless view.
  expect((await sup.api('PUT', '/me/views', [views[0], views[0]])).status).toBe(400);
  expect((await sup.api('PUT', '/me/views', [{ id: 'x', name: 'X', filter: { colour: 'red' } }])).status).toBe(400);
  expect((await sup.api('PUT', '/me/views', [{ id: 'x', name: ' ', filter: {} }])).status).toBe(400);
  expect((await sup.api('GET', '/me/views')).body).toEqual(views);
  // The "urgent" view as the console opens it.
  expect(names((await page('status=open&priority=20&sort=waiting')).body.items)).toEqual(['Burak']);
});

test('an anonymous web chat visitor gets a readable name and a profile from the session', async () => {
  const res = await fetch(`${hub.url}/api/widget/session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    },
    body: JSON.stringify({ context: { url: 'https://shop.example/sepet?id=7', referrer: 'https://www.google.com/', language: 'tr-TR', timezone: 'Europe/Istanbul' } }),
  });
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  const socket = connect(`${hub.url}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await connected(socket);
  expect(await socket.timeout(5000).emitWithAck('message:send', { clientId: 'visitor-1', text: 'Kargo ne zaman gelir?' })).toMatchObject({ ok: true });
  const row = await waitFor(async () => (await page('status=open&limit=20')).body.items.find((c) => c.customerVisitorName), 15_000, 'the visitor row');
  expect(row.customerName).toBeUndefined();
  expect(row.customerVisitorName).toEqual({ tr: 'Ziyaretçi · İstanbul · Chrome', en: 'Visitor · Istanbul · Chrome' });
  const customer = (await sup.api<CustomerView>('GET', `/customers/${row.customerId}`)).body;
  expect(customer.visitor).toMatchObject({
    browser: 'Chrome', os: 'Windows', city: { tr: 'İstanbul', en: 'Istanbul' }, cityFrom: 'timezone', timezone: 'Europe/Istanbul',
    language: 'tr-TR', pageUrl: 'https://shop.example/sepet?id=7', referrer: 'https://www.google.com/',
  });
  // One conversation read carries it too (the thread's header).
  expect((await sup.api<ConversationView>('GET', `/conversations/${row.id}`)).body.customerVisitorName?.en).toBe('Visitor · Istanbul · Chrome');
  // A page address that is not http(s) is not kept (it would be shown as a link).
  const bad = await fetch(`${hub.url}/api/widget/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { url: 'javascript:alert(1)' } }),
  });
  expect(bad.status).toBe(200);
  const badContext = await fetch(`${hub.url}/api/widget/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { url: 5 } }),
  });
  expect(badContext.status).toBe(400);
});

test('a team-restricted agent gets what they may see in each order (the union of their views, sorted)', async () => {
  const team = await createTeam(hub.deps.models, 'Kargo');
  const other = await createTeam(hub.deps.models, 'Fatura');
  for (const n of ['Ada', 'Burak', 'Ece']) {
    expect((await sup.api('POST', `/conversations/${ids[n]}/assign`, { assigneeId: null, teamId: team.id })).status).toBe(200);
  }
  expect((await sup.api('POST', `/conversations/${ids.Cem}/assign`, { assigneeId: null, teamId: other.id })).status).toBe(200);
  const everyone = { waiting: await walk('status=open&sort=waiting', 50), priority: await walk('status=open&sort=priority', 50) };
  await setTeamAccessMode(hub.deps.models, null, 'team', null);
  try {
    // Kaan sees team Kargo's and the no-team queue's conversations, not team Fatura's (Cem) nor one a colleague took
    // with no team (Deniz, assigned to Selin by her reply): the same orders without those two.
    const visible = (n: string) => n !== 'Cem' && n !== 'Deniz';
    const kaan = await signedInAgent(hub, 'kaan@kanal.test', 'Kaan', 'agent', [team.id]);
    const as = async (q: string) => names((await kaan.api<{ items: ConversationView[] }>('GET', `/conversations?${q}`)).body.items);
    expect(everyone.waiting.slice(0, 4)).toEqual(['Ada', 'Burak', 'Cem', 'Ece']);
    expect(await as('status=open&sort=waiting')).toEqual(everyone.waiting.filter(visible));
    expect(await as('status=open&sort=priority')).toEqual(everyone.priority.filter(visible));
    expect((await as('status=open&sort=priority'))[0]).toBe('Burak');
  } finally {
    await setTeamAccessMode(hub.deps.models, null, 'open', null);
  }
});
