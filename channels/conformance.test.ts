import { existsSync } from 'node:fs';
import path from 'node:path';
import { signedInAgent } from '../tests/helpers/agent-api';
import { testConfig } from '../tests/helpers/env';
import { startTestHub } from '../tests/helpers/hub';
import { waitFor } from '../tests/helpers/process';
import { collectionsOf } from '../src/store/collections';
import type { ConformanceKit } from './conformance-kit';
import { channelModules } from '.';

// One suite for every registered channel (channels/index.ts): each brings a kit (channels/<name>/conformance.ts)
// that speaks to the hub as its provider does and stands in for the provider's API. A channel without a kit fails.
const kits = new Map<string, ConformanceKit>();
for (const m of channelModules) {
  const file = path.join(__dirname, m.name, 'conformance.ts');
  if (existsSync(file)) kits.set(m.name, (require(file) as { kit: ConformanceKit }).kit); // eslint-disable-line @typescript-eslint/no-require-imports
}

let hub: Awaited<ReturnType<typeof startTestHub>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;

beforeAll(async () => {
  const settings: Record<string, string> = {};
  for (const kit of kits.values()) Object.assign(settings, await kit.start());
  hub = await startTestHub(testConfig('conformance', { ...settings, OUTBOUND_ATTEMPTS: '2' }));
  agent = await signedInAgent(hub, 'uyum@kanal.test', 'Uyum', 'admin');
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  for (const kit of kits.values()) await kit.stop();
});

const Message = () => collectionsOf(hub.deps.models).Message;

test('every registered channel has a conformance kit', () => {
  expect(channelModules.map((m) => m.name).filter((name) => !kits.has(name))).toEqual([]);
});

describe.each(channelModules.map((m) => [m.name, m] as const))('%s', (name, module) => {
  const kit = () => kits.get(name)!;
  let n = 0;
  const unique = () => channelModules.indexOf(module) * 100 + ++n;

  test('normalizes a provider message into the one InboundMessage shape, under its identity kind', async () => {
    const { address, text } = await kit().receive(hub.url!, unique());
    const stored = await waitFor(() => Message().findOne({ channel: name, text }).lean(), 15_000, `${name} message`);
    expect(stored).toMatchObject({ channel: name, direction: 'in', kind: 'message', text });
    expect(stored.dedupeKey.startsWith(`${name}:`)).toBe(true);
    expect(stored.providerId).toBeTruthy();
    const identity = await collectionsOf(hub.deps.models).Identity.findOne({ customerId: stored.customerId }).lean();
    expect(identity).toMatchObject({ kind: module.identity.kind, address });
  });

  test('sends a reply through its stand-in and reports the delivery', async () => {
    const { text } = await kit().receive(hub.url!, unique());
    const inbound = await waitFor(() => Message().findOne({ channel: name, text }).lean(), 15_000, `${name} message`);
    const identity = await collectionsOf(hub.deps.models).Identity.findOne({ customerId: inbound.customerId }).lean();
    const replyText = `${name} yanıtı ${n}`;
    const reply = await agent.api('POST', `/conversations/${inbound.conversationId}/reply`, { text: replyText, channel: name });
    expect(reply.status).toBe(202);
    expect(await waitFor(async () => kit().delivered(identity!.address), 15_000, `${name} stand-in to get the reply`)).toBe(replyText);
    const sent = await waitFor(async () => {
      const m = await Message().findById(reply.body.id).lean();
      return m && ['sent', 'delivered', 'read'].includes(m.delivery!.status) ? m : undefined;
    }, 15_000, `${name} delivery status`);
    expect(sent.providerId).toBeTruthy();
  });

  test('refuses bad input with a clear error before acknowledging it, and stores nothing', async () => {
    const before = await Message().countDocuments({ channel: name, direction: 'in' });
    const refusal = await kit().refuse(hub.url!);
    expect(refusal).toEqual({ refused: true, detail: expect.stringMatching(/\S{3,}/) });
    // A later good message of the same channel is stored after the refusal was answered: only that one is new.
    const { text } = await kit().receive(hub.url!, unique());
    await waitFor(() => Message().findOne({ channel: name, text }).lean(), 15_000, `${name} message`);
    expect(await Message().countDocuments({ channel: name, direction: 'in' })).toBe(before + 1);
  });
});
