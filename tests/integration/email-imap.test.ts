import { ImapFlow } from 'imapflow';
import { PROCESSED_KEYWORD } from '../../channels/email/imap-poller';
import { startDovecot } from '../helpers/dovecot';
import { emailFixture } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { collectionsOf } from '../../src/store/collections';

// IMAP intake against a real Dovecot (Debian's dovecot-imapd) on a loopback port with a throwaway mailbox.
jest.setTimeout(60_000); // a real IMAP server, a hub and a restart on a shared 2-core machine

let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let hub: Awaited<ReturnType<typeof startTestHub>> | undefined;
let mailbox: ImapFlow;

beforeAll(async () => {
  dovecot = await startDovecot();
  mailbox = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false, disableAutoIdle: true });
  await mailbox.connect();
});
afterAll(async () => {
  await mailbox?.logout().catch(() => undefined);
  await hub?.stop();
  await dovecot?.stop();
});

const flagsOf = async () => {
  await mailbox.mailboxOpen('INBOX');
  const out: Record<number, string[]> = {};
  for await (const m of mailbox.fetch('1:*', { uid: true, flags: true })) out[m.uid] = [...(m.flags ?? [])].sort();
  return out;
};
const stored = (dedupeKey: string) => waitFor(() => collectionsOf(hub!.deps.models).Message.findOne({ dedupeKey }).lean(), 20_000, dedupeKey);

test('mail waiting in the mailbox is taken once and flagged; new mail arrives through IDLE; bad mail is quarantined and flagged', async () => {
  await mailbox.append('INBOX', emailFixture('gmail-tr-iso-8859-9.eml', { IN_REPLY_TO: '<x@example.com>' }));
  await mailbox.append('INBOX', emailFixture('thunderbird-tr-utf8.eml'), ['\\Flagged']);

  hub = await startTestHub(testConfig('emailimap', {
    EMAIL_IMAP_HOST: '127.0.0.1', EMAIL_IMAP_PORT: String(dovecot.port), EMAIL_IMAP_USER: dovecot.user, EMAIL_IMAP_PASSWORD: dovecot.password,
    EMAIL_IMAP_TLS: 'false', EMAIL_IMAP_MAILBOX: 'INBOX',
    // Far longer than the test: mail appended later can only arrive through IDLE.
    EMAIL_IMAP_POLL_MS: '600000',
  }));
  const first = await stored('email:<CAGmail-tr-1@mail.gmail.com>');
  expect(first.text).toBe('Merhaba, siparişim hâlâ gelmedi. İade mümkün mü?\n\nAyşe');
  const second = await stored('email:<b3c4d5e6-thunderbird-1@example.org>');
  expect(second.author?.name).toBe('İşıl Güneş');

  await waitFor(async () => Object.values(await flagsOf()).every((f) => f.includes(PROCESSED_KEYWORD)), 20_000, 'processed flags');
  const flags = await flagsOf();
  expect(Object.values(flags)).toEqual([['$KanalProcessed', '\\Seen'], ['$KanalProcessed', '\\Flagged', '\\Seen']]);

  // New mail while the poller IDLEs: announced by the server, taken without waiting for the poll interval.
  await mailbox.append('INBOX', emailFixture('apple-mail-en.eml'));
  const third = await stored('email:<7A1B2C3D-APPLE-1@example.com>');
  expect(third.attachments.map((a) => a.contentType)).toEqual(['image/png']);
  await mailbox.append('INBOX', emailFixture('no-from.eml'));
  const q = await waitFor(() => collectionsOf(hub!.deps.models).Quarantine.findOne({ source: 'imap' }).lean(), 20_000, 'quarantine');
  expect(q.reason).toBe('no From address');
  await waitFor(async () => Object.values(await flagsOf()).filter((f) => f.includes(PROCESSED_KEYWORD)).length === 4, 20_000, 'all four flagged');

  // Nothing was read twice: one message per mail, one quarantine record.
  expect(await collectionsOf(hub!.deps.models).Message.countDocuments({ channel: 'email' })).toBe(3);
  expect(await collectionsOf(hub!.deps.models).Quarantine.countDocuments()).toBe(1);
});

test('after a restart, flagged mail is not read again; only new mail is taken', async () => {
  const config = hub!.deps.config;
  await hub!.close(); // keep the database: the same deployment coming back
  await mailbox.append('INBOX', emailFixture('auto-reply-tr.eml'));
  hub = await startTestHub(config);
  const msg = await stored('email:<ooo-mehmet-1@example.com.tr>');
  expect(msg.email).toMatchObject({ autoSubmitted: true });
  await waitFor(async () => Object.values(await flagsOf()).every((f) => f.includes(PROCESSED_KEYWORD)), 20_000, 'all flagged');
  expect(await collectionsOf(hub!.deps.models).Message.countDocuments({ channel: 'email' })).toBe(4);
  expect(await collectionsOf(hub!.deps.models).Quarantine.countDocuments()).toBe(1);
});
