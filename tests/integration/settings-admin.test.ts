import type { ConversationView } from '../../src/domain/views';
import { AgentEvents } from '../../src/domain/events';
import { ingest } from '../../src/services/ingest/ingest';
import { inParallel } from '../../src/store';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { io } from 'socket.io-client';
import { connected, nextEvent } from '../helpers/sockets';

// Settings an admin changes in the console: labels (rename, merge, colour, delete), agents' names and roles, one's
// own name. Each is validated, applied at once and audited; agents may read labels but change none of them.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
const conversations: string[] = [];

interface Label { name: string; colour: string | null; conversations: number }
interface Entry { action: string; subjectName: string; actor: { name: string }; before: Record<string, unknown>; after: Record<string, unknown> }

beforeAll(async () => {
  hub = await startTestHub(testConfig('settings-admin', { ROUTING_DEFAULT_TEAM: 'Genel' }), 'hub');
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  agent = await signedInAgent(hub, 'temsilci@kanal.test', 'Temsilci');
  // More conversations than one rename batch (50), so the rename must walk the label's view in several steps.
  for (let i = 0; i < 60; i++) conversations.push((await ingest(hub.deps.models, null, webchatMessage(`s${i}`, `visitor-settings-${i}`))).conversationId);
  await inParallel([...conversations.entries()], ([i, id]) => admin.api('POST', `/conversations/${id}/labels`, { add: i < 55 ? ['kargo', 'acil'] : ['acil'] }), 4);
}, 180_000);
afterAll(async () => {
  await hub.stop();
});

const labels = async () => (await agent.api<Label[]>('GET', '/labels')).body;
const lastAudit = async (action: string) =>
  (await admin.api<{ entries: Entry[] }>('GET', `/admin/audit?action=${encodeURIComponent(action)}&limit=5`)).body.entries.find((e) => e.action === action);
const labelsOf = async (id: string) => (await agent.api<ConversationView>('GET', `/conversations/${id}`)).body.labels!.sort();

test('every agent lists the labels in use with their counts', async () => {
  expect(await labels()).toEqual([{ name: 'acil', colour: null, conversations: 60 }, { name: 'kargo', colour: null, conversations: 55 }]);
});

test('a colour is validated, audited, told to every console, and only admins set it', async () => {
  expect((await agent.api('PUT', '/labels/acil', { colour: '#ff0000' })).status).toBe(403);
  const bad = await admin.api('PUT', '/labels/acil', { colour: 'red' });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('#rrggbb');
  const socket = io(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false });
  try {
    await connected(socket);
    const told = nextEvent(socket, AgentEvents.settingsChanged);
    expect((await admin.api('PUT', '/labels/acil', { colour: '#D32F2F' })).body).toEqual({ name: 'acil', colour: '#d32f2f', conversations: 60 });
    expect(await told).toEqual({ what: 'labels' });
  } finally {
    socket.disconnect();
  }
  expect((await labels()).find((l) => l.name === 'acil')?.colour).toBe('#d32f2f');
  expect(await lastAudit('label.colour_changed')).toMatchObject({ subjectName: 'acil', actor: { name: 'Yönetici' }, before: { colour: null }, after: { colour: '#d32f2f' } });
});

test('a rename moves every conversation in batches, keeps the colour, and the label filter follows', async () => {
  expect((await agent.api('POST', '/labels/acil/rename', { to: 'öncelikli' })).status).toBe(403);
  expect((await admin.api('POST', '/labels/acil/rename', { to: ' ACİL ' })).status).toBe(400); // the same name once normalized
  expect((await admin.api('POST', '/labels/acil/rename', { to: 'x'.repeat(41) })).status).toBe(400);
  expect((await admin.api('POST', '/labels/yok/rename', { to: 'var' })).status).toBe(404);

  const res = await admin.api('POST', '/labels/acil/rename', { to: 'Öncelikli' });
  expect(res.body).toEqual({ name: 'öncelikli', conversations: 60 });
  expect(await labelsOf(conversations[0]!)).toEqual(['kargo', 'öncelikli']);
  expect(await labelsOf(conversations[59]!)).toEqual(['öncelikli']);
  expect(await labels()).toEqual([{ name: 'kargo', colour: null, conversations: 55 }, { name: 'öncelikli', colour: '#d32f2f', conversations: 60 }]);
  const filtered = await agent.api<{ items: ConversationView[] }>('GET', `/conversations?label=${encodeURIComponent('öncelikli')}&status=open&limit=100`);
  expect(filtered.body.items).toHaveLength(60);
  expect((await agent.api<{ items: ConversationView[] }>('GET', '/conversations?label=acil&status=open')).body.items).toHaveLength(0);
  expect(await lastAudit('label.renamed')).toMatchObject({ subjectName: 'öncelikli', before: { name: 'acil' }, after: { name: 'öncelikli', conversations: 60 } });
});

test('renaming onto an existing label merges them; deleting removes it everywhere', async () => {
  expect((await admin.api('POST', '/labels/kargo/rename', { to: 'öncelikli' })).body).toEqual({ name: 'öncelikli', conversations: 55 });
  expect(await labelsOf(conversations[0]!)).toEqual(['öncelikli']);
  expect(await labels()).toEqual([{ name: 'öncelikli', colour: '#d32f2f', conversations: 60 }]);
  expect((await agent.api('POST', `/labels/${encodeURIComponent('öncelikli')}/delete`)).status).toBe(403);
  expect((await admin.api('POST', `/labels/${encodeURIComponent('öncelikli')}/delete`)).body).toEqual({ name: null, conversations: 60 });
  expect(await labels()).toEqual([]);
  expect(await labelsOf(conversations[3]!)).toEqual([]);
  expect(await lastAudit('label.deleted')).toMatchObject({ subjectName: 'öncelikli', after: { name: null, conversations: 60 } });
});

test("admins edit an agent's name and role (not their own role); the agent's next request sees it", async () => {
  expect((await agent.api('PATCH', `/agents/${agent.id}`, { name: 'Ben' })).status).toBe(403);
  expect((await admin.api('PATCH', `/agents/${agent.id}`, { role: 'boss' })).status).toBe(400);
  expect((await admin.api('PATCH', `/agents/${agent.id}`, { name: '   ' })).status).toBe(400);
  expect((await admin.api('PATCH', `/agents/${admin.id}`, { role: 'agent' })).status).toBe(400);
  const res = await admin.api('PATCH', `/agents/${agent.id}`, { name: 'Temsilci Ayşe', role: 'supervisor', capacity: 7 });
  expect(res.body).toMatchObject({ name: 'Temsilci Ayşe', role: 'supervisor', capacity: 7 });
  expect(await lastAudit('agent.updated')).toMatchObject({ subjectName: 'Temsilci Ayşe', before: { name: 'Temsilci', role: 'agent' }, after: { name: 'Temsilci Ayşe', role: 'supervisor', capacity: 7 } });
  // A supervisor-only route: the agent's cached role in this process was dropped, so it opens at once.
  expect((await agent.api('GET', '/supervisor/wallboard')).status).toBe(200);
});

test('each agent changes their own name, audited as their own change', async () => {
  expect((await agent.api('PATCH', '/me', { name: '' })).status).toBe(400);
  expect((await agent.api('PATCH', '/me', { name: 'x'.repeat(201) })).status).toBe(400);
  expect((await agent.api('PATCH', '/me', { name: 'Ayşe Yılmaz' })).body).toMatchObject({ name: 'Ayşe Yılmaz' });
  expect((await agent.api('GET', '/me')).body).toMatchObject({ name: 'Ayşe Yılmaz' });
  expect(await lastAudit('agent.updated')).toMatchObject({ actor: { name: 'Ayşe Yılmaz' }, before: { name: 'Temsilci Ayşe' }, after: { name: 'Ayşe Yılmaz' } });
});

test('admins rename a team (audited); a taken name is a conflict and the default routing team keeps its name', async () => {
  const team = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Satış' })).body;
  const general = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Genel' })).body;
  expect((await agent.api('PATCH', `/teams/${team.id}`, { name: 'Satış Ekibi' })).status).toBe(403);
  expect((await admin.api('PATCH', `/teams/${team.id}`, {})).status).toBe(400);
  expect((await admin.api('PATCH', `/teams/${team.id}`, { name: 'Genel' })).status).toBe(409);
  expect((await admin.api('PATCH', `/teams/${general.id}`, { name: 'Herkes' })).status).toBe(400);
  expect((await admin.api('PATCH', `/teams/${team.id}`, { name: 'Satış Ekibi', assignmentPolicy: 'least-busy' })).body).toMatchObject({ name: 'Satış Ekibi', assignmentPolicy: 'least-busy' });
  expect((await agent.api<{ name: string }[]>('GET', '/teams')).body.map((t) => t.name)).toEqual(['Genel', 'Satış Ekibi']);
  expect(await lastAudit('team.renamed')).toMatchObject({ subjectName: 'Satış Ekibi', before: { name: 'Satış' }, after: { name: 'Satış Ekibi' } });
});

test("the open state follows a saved calendar at once; it is checked like the other team settings", async () => {
  expect((await agent.api('GET', '/teams/default/open-state')).body).toEqual({ hasCalendar: false, timezone: null, open: true, nextOpening: null });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const week = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]]));
  expect((await admin.api('PUT', '/teams/default/calendar', { timezone: 'UTC', week, holidays: [day(0), day(1)] })).status).toBe(200);
  const closed = (await agent.api('GET', '/teams/default/open-state')).body;
  expect(closed).toMatchObject({ hasCalendar: true, timezone: 'UTC', open: false });
  expect(closed.nextOpening).toBe(`${day(2)}T00:00:00.000Z`);
  expect((await agent.api('GET', '/teams/nope/open-state')).status).toBe(400);
  expect((await agent.api('GET', `/teams/${'0'.repeat(24)}/open-state`)).status).toBe(404);
  expect((await agent.api('GET', '/teams/default/open-state', undefined, false)).status).toBe(401);
});
