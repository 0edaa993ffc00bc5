import { Types } from 'mongoose';
import { MASK } from '../../src/services/audit';
import { DAYS_PER_PAGE } from '../../src/services/audit/list';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The audit log (src/services/audit, GET /api/admin/audit and audit.csv): every admin and supervisor change is one
// entry with who, when and the changed fields before and after, secrets masked; the list pages newest first a day
// bucket at a time, filters, exports as CSV, and only admins read it.

let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let admin: Client;
let supervisor: Client;
let agent: Client;

interface Entry {
  id: string; at: string; action: string; actor: { id: string; name: string }; subjectType: string; subjectId: string | null;
  summary: string; before: Record<string, unknown>; after: Record<string, unknown>;
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('audit'), 'hub');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici Deniz', 'admin');
  supervisor = await signedInAgent(hub, 'sef@kanal.test', 'Şef Selin', 'supervisor');
  agent = await signedInAgent(hub, 'ayse@kanal.test', 'Ayşe', 'agent');
});
afterAll(async () => hub?.stop());

async function list(query: Record<string, string | number>, who: Client = admin) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const res = await who.api<{ entries: Entry[]; nextCursor: string | null }>('GET', `/admin/audit?${qs}`);
  expect(res.status).toBe(200);
  return res.body;
}
/** Every entry of one action about one subject (the log holds other tests' entries too). */
const entriesOf = async (action: string, subjectId: string | null) =>
  (await list({ action, limit: 200 })).entries.filter((e) => e.action === action && e.subjectId === subjectId);

test('each admin change is one entry with who, before and after; secrets and passwords never stored', async () => {
  // Agent created, then disabled.
  const created = await admin.api('POST', '/agents', { email: 'mehmet@kanal.test', name: 'Mehmet', password: 'çok-gizli-parola-987', role: 'agent' });
  expect(created.status).toBe(201);
  const [made] = await entriesOf('agent.created', created.body.id);
  expect(made).toMatchObject({ actor: { id: admin.id, name: 'Yönetici Deniz' }, subjectType: 'agent', subjectName: 'Mehmet', before: {}, after: { name: 'Mehmet', email: 'mehmet@kanal.test', role: 'agent', disabled: false } });
  expect(made!.summary).toContain('Mehmet');
  expect((await admin.api('POST', `/agents/${created.body.id}/disable`)).status).toBe(200);
  expect(await entriesOf('agent.disabled', created.body.id)).toEqual([expect.objectContaining({ before: { disabled: false }, after: { disabled: true } })]);

  // Password reset: that it changed, never the password (nor its hash).
  expect((await admin.api('POST', `/agents/${created.body.id}/password`, { password: 'yeni-gizli-parola-654' })).status).toBe(204);
  expect(await entriesOf('agent.password_reset', created.body.id)).toEqual([expect.objectContaining({ before: { password: MASK }, after: { password: MASK } })]);

  // Team policy: only the changed field.
  const team = (await admin.api('POST', '/teams', { name: 'Faturalama' })).body as { id: string };
  expect((await admin.api('PATCH', `/teams/${team.id}`, { assignmentPolicy: 'least-busy' })).status).toBe(200);
  expect(await entriesOf('team.policy_changed', team.id)).toEqual([
    expect.objectContaining({ subjectType: 'team', before: { assignmentPolicy: 'manual' }, after: { assignmentPolicy: 'least-busy' } }),
  ]);

  // Team access mode (a global setting: no subject id).
  expect((await admin.api('PUT', '/admin/team-access', { mode: 'open' })).status).toBe(200);
  expect(await entriesOf('settings.team_access_changed', null)).toEqual([expect.objectContaining({ before: { mode: 'team' }, after: { mode: 'open' } })]);

  // Webhook created: its signing secret is masked.
  const hook = await admin.api('POST', '/admin/webhooks', { url: 'http://127.0.0.1:9/kanal', events: ['message.created'], allowPrivate: true });
  expect(hook.status).toBe(201);
  const [hookEntry] = await entriesOf('webhook.created', hook.body.id);
  expect(hookEntry!.after).toMatchObject({ url: 'http://127.0.0.1:9/kanal', secret: MASK });
  // A new secret: that it changed, masked on both sides.
  expect((await admin.api('PATCH', `/admin/webhooks/${hook.body.id}`, { rotateSecret: true })).status).toBe(200);
  expect(await entriesOf('webhook.secret_rotated', hook.body.id)).toEqual([expect.objectContaining({ before: { secret: MASK }, after: { secret: MASK } })]);

  // Token revoked by an admin.
  const token = await agent.api('POST', '/me/tokens', { name: 'raporlama', scopes: ['read'] });
  expect((await admin.api('POST', `/admin/tokens/${token.body.tokenInfo.id}/revoke`)).status).toBe(200);
  const [revoked] = await entriesOf('api_token.revoked', token.body.tokenInfo.id);
  expect(revoked).toMatchObject({ actor: { id: admin.id }, before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });

  // Canned response created.
  const canned = await admin.api('POST', '/canned', { shortcut: 'iade', title: 'İade', text: 'İade süresi 14 gündür.' });
  expect(canned.status).toBe(201);
  expect(await entriesOf('canned.created', canned.body.id)).toEqual([expect.objectContaining({ after: expect.objectContaining({ shortcut: 'iade', text: 'İade süresi 14 gündür.' }) })]);

  // No secret in the clear anywhere in the log.
  const all = JSON.stringify((await list({ limit: 200 })).entries);
  for (const secret of ['çok-gizli-parola-987', 'yeni-gizli-parola-654', hook.body.secret as string, token.body.token as string]) expect(all).not.toContain(secret);
});

describe('paging and filters over several days', () => {
  const DAY = 86_400_000;
  // Noon UTC yesterday: every entry in the past, each of a day's three in that one UTC day, whatever the hour now.
  const anchor = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
  const actorA = { id: new Types.ObjectId().toHexString(), name: 'Arşiv Ali' };
  const actorB = { id: new Types.ObjectId().toHexString(), name: 'Bora' };
  const inserted: { id: string; at: number }[] = [];

  beforeAll(async () => {
    // Five days with three entries each (two at the same instant), then more days than one request reads without
    // any entry, then one.
    const instants: number[] = [];
    for (let d = 0; d < 5; d += 1) instants.push(anchor - d * DAY, anchor - d * DAY, anchor - d * DAY - 3_600_000);
    instants.push(anchor - (DAYS_PER_PAGE + 10) * DAY);
    for (const [i, at] of instants.entries()) {
      const actor = i % 2 ? actorB : actorA;
      const id = await hub.deps.models.audit.record({
        action: i % 3 ? 'paging.webhook.updated' : 'paging.agent.updated', actor, subjectType: i % 3 ? 'webhook' : 'agent',
        subjectId: new Types.ObjectId(), before: {}, after: {}, summary: `${actor.name}: kayıt ${i}${i === 4 ? ' İADE politikası' : ''}`, at: new Date(at),
      });
      inserted.push({ id: String(id), at });
    }
  });

  const newestFirst = () => [...inserted].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.id);

  /** Every page of a query, following the cursor; the ids in the order returned. */
  async function allPages(query: Record<string, string | number>) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { entries: Entry[]; nextCursor: string | null } = await list({ ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    return seen;
  }

  test('pages newest first across days and an empty stretch, with no gaps or duplicates', async () => {
    expect(await allPages({ action: 'paging.', limit: 4 })).toEqual(newestFirst());
  });

  test('filters: action prefix, actor, subject type, date range, free text (Turkish case-insensitive)', async () => {
    const ids = (q: Record<string, string>) => allPages({ limit: 200, ...q });
    const byIndex = (pick: (i: number) => boolean) => newestFirst().filter((id) => pick(inserted.findIndex((e) => e.id === id)));
    expect(await ids({ action: 'paging.agent.' })).toEqual(byIndex((i) => i % 3 === 0));
    expect(await ids({ action: 'paging.', actorId: actorB.id })).toEqual(byIndex((i) => i % 2 === 1));
    expect(await ids({ action: 'paging.', subjectType: 'webhook' })).toEqual(byIndex((i) => i % 3 !== 0));
    const day1 = new Date(anchor - DAY).toISOString().slice(0, 10);
    expect(await ids({ action: 'paging.', from: day1, to: day1 })).toEqual(byIndex((i) => i >= 3 && i < 6));
    expect(await ids({ action: 'paging.', q: 'iade' })).toEqual([inserted[4]!.id]);
    expect(await ids({ action: 'paging.', q: 'ARŞİV KAYIT politikası' })).toEqual([inserted[4]!.id]);
  });

  test('CSV export: streamed, newest first, with a BOM; the export itself is recorded', async () => {
    const res = await fetch(`${hub.url}/api/admin/audit.csv?action=paging.agent.`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFFat,actor,action,subject_type,subject_id,subject_name,summary,before,after\r\n')).toBe(true);
    const rows = text.trim().split('\r\n').slice(1);
    const expected = newestFirst().filter((id) => inserted.findIndex((e) => e.id === id) % 3 === 0);
    expect(rows.map((r) => r.split(',')[0])).toEqual(expected.map((id) => new Date(inserted.find((e) => e.id === id)!.at).toISOString()));
    expect(rows[0]).toContain('paging.agent.updated');
    expect(await entriesOf('audit.exported', null)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }), after: { filter: { actionPrefix: 'paging.agent.' } } })]);
  });
});

test('supervisors and agents cannot read or export the log', async () => {
  for (const who of [supervisor, agent]) {
    expect((await who.api('GET', '/admin/audit')).status).toBe(403);
    expect((await fetch(`${hub.url}/api/admin/audit.csv`, { headers: { authorization: `Bearer ${who.token}` } })).status).toBe(403);
  }
  expect((await admin.api('GET', '/admin/audit', undefined, false)).status).toBe(401);
  expect((await admin.api('GET', '/admin/audit?cursor=notacursor')).status).toBe(400);
});
