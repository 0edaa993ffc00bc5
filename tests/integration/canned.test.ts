import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// Canned responses: admins manage them, every agent reads them; shortcuts are unique, Turkish-aware.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;

beforeAll(async () => {
  hub = await startTestHub(testConfig('canned'), 'hub');
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  agent = await signedInAgent(hub, 'temsilci@kanal.test', 'Temsilci');
});
afterAll(async () => {
  await hub.stop();
});

test('admins create, change and delete; agents only read', async () => {
  const created = await admin.api('POST', '/canned', { shortcut: '/İade', title: 'İade süresi', text: 'İade süresi 14 gündür.' });
  expect(created.status).toBe(201);
  expect(created.body.shortcut).toBe('iade');
  expect((await admin.api('POST', '/canned', { shortcut: 'iade', title: 'x', text: 'y' })).status).toBe(409);
  expect((await admin.api('POST', '/canned', { shortcut: 'iki kelime', title: 'x', text: 'y' })).status).toBe(400);
  expect((await agent.api('POST', '/canned', { shortcut: 'kargo', title: 'Kargo', text: 'Kargonuz yolda.' })).status).toBe(403);
  expect((await agent.api('GET', '/canned')).body).toEqual([{ id: created.body.id, shortcut: 'iade', title: 'İade süresi', text: 'İade süresi 14 gündür.' }]);

  const changed = await admin.api('POST', `/canned/${created.body.id}`, { text: 'İade süresi 30 gündür.' });
  expect(changed.body).toMatchObject({ shortcut: 'iade', text: 'İade süresi 30 gündür.' });
  expect((await agent.api('POST', `/canned/${created.body.id}/delete`)).status).toBe(403);
  expect((await admin.api('POST', `/canned/${created.body.id}/delete`)).status).toBe(204);
  expect((await admin.api('POST', `/canned/${created.body.id}/delete`)).status).toBe(404);
  expect((await agent.api('GET', '/canned')).body).toEqual([]);
});
