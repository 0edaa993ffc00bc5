import type { ConversationView } from '../../src/domain/views';
import { ingest } from '../../src/services/ingest/ingest';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// Console endpoints beside the inbox: labels, per-agent settings, live counts, and the hub serving the console.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let agentId = '';
let conversationId = '';
let api: Awaited<ReturnType<typeof signedInAgent>>['api'];

beforeAll(async () => {
  hub = await startTestHub(testConfig('labels'), 'hub');
  ({ id: agentId, api } = await signedInAgent(hub, 'irem@kanal.test', 'İrem'));
  conversationId = (await ingest(hub.deps.models, null, webchatMessage('l1', 'visitor-labels'))).conversationId;
  await ingest(hub.deps.models, null, webchatMessage('l2', 'visitor-other'));
});
afterAll(async () => {
  await hub.stop();
});

describe('labels', () => {
  test('added labels are normalized the Turkish way and deduplicated; removal works', async () => {
    const added = await api<ConversationView>('POST', `/conversations/${conversationId}/labels`, { add: ['İADE', ' iade ', 'Kargo  Gecikmesi', 'IŞIK'] });
    expect(added.status).toBe(200);
    expect(added.body.labels!.sort()).toEqual(['iade', 'kargo gecikmesi', 'ışık']);
    const removed = await api<ConversationView>('POST', `/conversations/${conversationId}/labels`, { remove: ['İade'] });
    expect(removed.body.labels!.sort()).toEqual(['kargo gecikmesi', 'ışık']);
    expect((await api<ConversationView>('GET', `/conversations/${conversationId}`)).body.labels!.sort()).toEqual(['kargo gecikmesi', 'ışık']);
  });

  test('bad input is refused with a clear 4xx and changes nothing', async () => {
    expect((await api('POST', `/conversations/${conversationId}/labels`, {})).status).toBe(400);
    expect((await api('POST', `/conversations/${conversationId}/labels`, { add: ['x'.repeat(41)] })).status).toBe(400);
    expect((await api('POST', `/conversations/${'0'.repeat(24)}/labels`, { add: ['a'] })).status).toBe(404);
    expect((await api('POST', `/conversations/${conversationId}/labels`, { add: ['a'] }, false)).status).toBe(401);
    const many = Array.from({ length: 29 }, (_, i) => `l${i}`);
    expect((await api('POST', `/conversations/${conversationId}/labels`, { add: many })).status).toBe(400);
    expect((await api<ConversationView>('GET', `/conversations/${conversationId}`)).body.labels).toHaveLength(2);
  });
});

describe('settings and counts', () => {
  test('settings default to Turkish with sound, and are kept per agent', async () => {
    expect((await api('GET', '/me/settings')).body).toEqual({ language: 'tr', sound: true });
    expect((await api('POST', '/me/settings', { language: 'en' })).body).toEqual({ language: 'en', sound: true });
    expect((await api('POST', '/me/settings', { sound: false })).body).toEqual({ language: 'en', sound: false });
    expect((await api('POST', '/me/settings', { language: 'de' })).status).toBe(400);
    expect((await api('GET', '/me/settings')).body).toEqual({ language: 'en', sound: false });
  });

  test('counts per view follow assignment', async () => {
    const res = await api('GET', '/inbox/counts?status=open');
    expect(res).toMatchObject({ status: 200 });
    const before = res.body;
    expect(before.views).toEqual({ mine: 0, unassigned: 2, all: 2 });
    expect(before.channels).toEqual({ webchat: 2 });
    expect(before.statuses).toEqual({ open: 2, pending: 0, snoozed: 0, resolved: 0 });
    expect((await api('POST', `/conversations/${conversationId}/assign`, { assigneeId: agentId })).status).toBe(200);
    expect((await api('GET', '/inbox/counts')).body.views).toEqual({ mine: 1, unassigned: 1, all: 2 });
    expect((await api('GET', '/inbox/counts?status=closed')).status).toBe(400);
  });
});

describe('the hub serves the console', () => {
  test('client routes get index.html with a strict CSP; API paths keep their JSON 404', async () => {
    const { existsSync } = await import('node:fs');
    const built = existsSync(`${__dirname}/../../agent-ui/dist/index.html`);
    const page = await fetch(`${hub.url}/c/${conversationId}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    if (built) {
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:/);
    } else {
      expect(page.status).toBe(404); // `npm test` builds it first; a lone run may not have it
    }
    // Not a browser navigation: an unknown path stays a JSON 404, not the app.
    expect((await fetch(`${hub.url}/c/${conversationId}`)).status).toBe(404);
    const missing = await fetch(`${hub.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found', code: 'not_found' });
  });
});
