import { dedupeKeyOf, type InboundMessage } from '../../src/domain/messages';
import { demotePrechatEmailsOnce } from '../../src/services/identity/claims-migration';
import { mergeSuggestionsFor } from '../../src/services/identity/claims';
import { identityId, linkIdentity, resolveCustomer } from '../../src/services/identity/identity';
import { ingest } from '../../src/services/ingest/ingest';
import { createLogger } from '../../src/logger';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Before claims existed, an email typed into the web chat pre-chat form became an identity of the visitor's customer
// (linkIdentity, unverified): the owner's later mail went to the visitor. The one-time pass turns those identities
// into claims, and leaves every identity that is an address's own alone.
type TestHub = Awaited<ReturnType<typeof startTestHub>>;
const logger = createLogger('silent');
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub(testConfig('claimsmigration'), 'hub'); // no worker: the pass is run by the test
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

const mail = (address: string, id: string): InboundMessage => ({
  channel: 'email', dedupeKey: dedupeKeyOf('email', `<${id}@mail.example>`), providerId: `<${id}@mail.example>`,
  from: { address }, text: 'Merhaba, siparişim nerede?', attachments: [], sentAt: new Date().toISOString(),
});

test('pre-chat emails linked as identities become claims; mailers, imports, proven and used addresses stay', async () => {
  const m = hub.deps.models;
  // A: a visitor typed someone else's address, as the old pre-chat form linked it.
  const visitor = await resolveCustomer(m, 'webchat', 'visitor-a', { name: 'Sahte Ayşe' });
  await linkIdentity(m, visitor.customerId, 'email', 'Ayse.Kurban@example.com');
  expect((await m.customers.byId(visitor.customerId))?.email).toBe('ayse.kurban@example.com');
  // B: a customer who wrote by mail.
  const mailer = (await ingest(m, null, mail('mert@example.com', 'b1'))).customerId;
  // C: a customer known by email first (an import), who chatted later.
  const imported = await resolveCustomer(m, 'email', 'selin@example.com', { name: 'Selin' });
  await linkIdentity(m, imported.customerId, 'webchat', 'visitor-c');
  // D: a pre-chat address whose mail has arrived since: the address wrote, so it is not taken away by a guess.
  const used = await resolveCustomer(m, 'webchat', 'visitor-d', { name: 'Deniz' });
  await linkIdentity(m, used.customerId, 'email', 'deniz@example.com');
  expect(String((await ingest(m, null, mail('deniz@example.com', 'd1'))).customerId)).toBe(String(used.customerId));
  // F: a CSV import added an email to a customer it found by phone (an SMS sender).
  const texter = await resolveCustomer(m, 'phone', '+905321234567', { name: 'Fatma' });
  await m.identities.insertIfAbsent(identityId('email', 'fatma@example.com'), { kind: 'email', address: 'fatma@example.com', customerId: texter.customerId, verified: false });
  // E: a host-signed (proven) email.
  const proven = await resolveCustomer(m, 'webchat', 'visitor-e', { name: 'Ece' });
  await linkIdentity(m, proven.customerId, 'email', 'ece@example.com', true);

  expect(await demotePrechatEmailsOnce(m, logger)).toBe(1);

  expect(await m.identities.byId(identityId('email', 'ayse.kurban@example.com'))).toBeNull();
  const claimed = await m.customers.byId(visitor.customerId);
  expect(claimed?.email).toBeUndefined();
  expect(claimed?.unverifiedEmail).toBe('ayse.kurban@example.com');
  expect((await m.identities.ofCustomer(visitor.customerId)).map((i) => i.kind)).toEqual(['webchat']);
  const [entry] = await m.audit.ofSubject(visitor.customerId);
  expect(entry).toMatchObject({ action: 'customer.claim_demoted', actor: { id: 'migration' } });

  // The owner's next mail makes the owner's own customer, and agents see the visitor's claim as a merge suggestion.
  const owner = await ingest(m, null, mail('ayse.kurban@example.com', 'a1'));
  expect(String(owner.customerId)).not.toBe(String(visitor.customerId));
  expect(await mergeSuggestionsFor(m, claimed!)).toEqual([expect.objectContaining({ address: 'ayse.kurban@example.com', customerId: String(owner.customerId) })]);

  for (const [address, customerId] of [['mert@example.com', mailer], ['selin@example.com', imported.customerId], ['deniz@example.com', used.customerId], ['ece@example.com', proven.customerId], ['fatma@example.com', texter.customerId]] as const) {
    expect(String((await m.identities.byId(identityId('email', address)))?.customerId)).toBe(String(customerId));
  }
  // Once per store: a later start finds the marker and reads nothing.
  await linkIdentity(m, (await resolveCustomer(m, 'webchat', 'visitor-f')).customerId, 'email', 'later@example.com');
  expect(await demotePrechatEmailsOnce(m, logger)).toBe(0);
  expect(await m.identities.byId(identityId('email', 'later@example.com'))).not.toBeNull();
});

test('a worker runs the pass when it starts', async () => {
  const full = await startTestHub(testConfig('claimsmigrationworker'));
  try {
    await waitFor(() => full.deps.models.settings.get('prechatEmailsDemoted'), 30_000, 'the pass marker');
  } finally {
    await full.stop();
  }
}, 60_000);
