import { createAgent } from '../../src/services/agents/agents';
import { getSettings, updateSettings } from '../../src/services/conversations/console';
import { collectionsOf } from '../../src/store/collections';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The embedded store applies an update by reading the document and writing all of it back, so two concurrent
// updates of one document can lose one. An agent's presence flips on every connect and disconnect: it must never
// undo what someone else changed on the agent at the same moment (a deactivation, the console language).
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub(testConfig('agentwrites'), 'hub');
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

const flips = (agentId: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => hub.deps.models.agents.setPresence(agentId, i % 2 ? 'online' : 'away', new Date())));

test('presence flips during a language change and a deactivation lose neither', async () => {
  for (let round = 0; round < 5; round++) {
    const agent = await createAgent(hub.deps.models, { email: `flip${round}@kanal.test`, name: `Flip ${round}`, password: 'correct horse battery', role: 'agent' });
    await Promise.all([
      flips(agent.id, 20),
      updateSettings(hub.deps.models, agent.id, { language: 'en' }),
      hub.deps.models.agents.setDisabled(agent.id, true),
      flips(agent.id, 20),
    ]);
    expect(await getSettings(hub.deps.models, agent.id)).toEqual({ language: 'en', sound: true });
    expect((await hub.deps.models.agents.byId(agent.id))?.disabled).toBe(true);
  }
});

test('a presence is set once per change: the first write of an agent, a repeat and a change', async () => {
  const agent = await createAgent(hub.deps.models, { email: 'once@kanal.test', name: 'Once', password: 'correct horse battery', role: 'agent' });
  expect((await hub.deps.models.agents.byId(agent.id))).toMatchObject({ presence: 'offline', presenceSince: null });
  const at = new Date('2026-11-30T10:00:00Z');
  expect(await hub.deps.models.agents.setPresence(agent.id, 'online', at)).toBe(true);
  expect(await hub.deps.models.agents.setPresence(agent.id, 'online', new Date())).toBe(false);
  expect(await hub.deps.models.agents.byId(agent.id)).toMatchObject({ presence: 'online', presenceSince: at });
  expect(await hub.deps.models.agents.setPresence(agent.id, 'away', new Date())).toBe(true);
  expect((await hub.deps.models.agents.all()).find((a) => String(a._id) === agent.id)?.presence).toBe('away');
});

test('settings stored on the agent before they had their own document are kept when one of them changes', async () => {
  const agent = await createAgent(hub.deps.models, { email: 'legacy@kanal.test', name: 'Legacy', password: 'correct horse battery', role: 'agent' });
  await collectionsOf(hub.deps.models).Agent.updateOne({ _id: agent.id }, { $set: { settings: { language: 'en', sound: false } } });
  expect(await getSettings(hub.deps.models, agent.id)).toEqual({ language: 'en', sound: false });
  expect(await updateSettings(hub.deps.models, agent.id, { language: 'tr' })).toEqual({ language: 'tr', sound: false });
});
