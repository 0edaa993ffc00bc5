import { ImapFlow } from 'imapflow';
import type { IngressHandle } from '../types';
import { takeMail, type IntakeContext } from './intake';
import { rawMailOf } from './raw-mail';
import type { EmailSettings } from './settings';
import { MailWorkspace } from './spool';

/** The keyword we set on processed mail; mail carrying it is never fetched again (also after a restart). */
export const PROCESSED_KEYWORD = '$KanalProcessed';

/**
 * Polls one IMAP mailbox: on start, on every interval, and at once when the server announces new mail while we
 * IDLE (imapflow IDLEs by itself between commands when the server has it). Each unprocessed message is taken,
 * then flagged \Seen + $KanalProcessed. UIDs already handled are remembered for the session (per UIDVALIDITY), so
 * a failed flag write never leads to a second read; dedupeKey (the Message-ID) covers a restart in between.
 * A message whose intake failed for an infrastructure reason is left unflagged and retried on the next poll.
 */
export function startImapPoller(ctx: IntakeContext, settings: EmailSettings): IngressHandle & { pollNow(): Promise<void> } {
  const cfg = settings.imap!;
  let client: ImapFlow | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let uidValidity: string | undefined;
  const done = new Set<number>();

  const connect = async () => {
    const c = new ImapFlow({
      host: cfg.host, port: cfg.port, secure: cfg.tls, auth: { user: cfg.user, pass: cfg.password },
      logger: false,
      // IDLE one second after our last command (imapflow's default is 15 s), so new mail shows up at once.
      autoIdleDelay: 1000,
      tls: { rejectUnauthorized: true },
    });
    c.on('error', (err: Error) => ctx.logger.warn({ err }, 'IMAP connection error'));
    c.on('close', () => { if (client === c) client = undefined; });
    await c.connect();
    const box = await c.mailboxOpen(cfg.mailbox);
    if (String(box.uidValidity) !== uidValidity) { uidValidity = String(box.uidValidity); done.clear(); }
    c.on('exists', () => void pollNow());
    client = c;
    return c;
  };

  const pollOnce = async () => {
    const c = client ?? (await connect());
    const uids = (await c.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true })) || [];
    for (const uid of uids.sort((a, b) => a - b)) {
      if (stopped) return;
      if (!done.has(uid)) {
        const msg = await c.fetchOne(String(uid), { source: true }, { uid: true });
        if (!msg || !msg.source) continue;
        const workspace = new MailWorkspace(settings.spool.dir); // its large parts, removed below
        try {
          await takeMail(ctx, settings, await rawMailOf(msg.source, workspace), { source: 'imap' });
        } catch (err) {
          // Too large (over ATTACHMENT_MAX_BYTES) can never succeed: record it and flag it, like other bad input.
          if ((err as Error).name === 'AttachmentTooLargeError' && ctx.quarantine) {
            await ctx.quarantine({ channel: 'email', source: 'imap', reason: (err as Error).message, size: msg.source.length, excerpt: msg.source.subarray(0, 4096).toString('latin1') });
          } else {
            ctx.logger.error({ err, uid }, 'IMAP message intake failed; retried on the next poll');
            continue;
          }
        } finally {
          await workspace.remove().catch((err: unknown) => ctx.logger.error({ err }, 'email spool not removed'));
        }
        done.add(uid);
      }
      await c.messageFlagsAdd(String(uid), ['\\Seen', PROCESSED_KEYWORD], { uid: true });
    }
  };

  /** One poll at a time; a request during a poll runs one more right after it. */
  const pollNow = async (): Promise<void> => {
    if (stopped) return;
    if (running) { again = true; return running; }
    running = (async () => {
      do {
        again = false;
        try {
          await pollOnce();
        } catch (err) {
          ctx.logger.warn({ err }, 'IMAP poll failed; retrying on the next interval');
          const c = client; client = undefined;
          await c?.logout().catch(() => c.close());
        }
      } while (again && !stopped);
    })().finally(() => { running = undefined; });
    return running;
  };

  const timer = setInterval(() => void pollNow(), cfg.pollMs);
  void pollNow();
  ctx.logger.info({ host: cfg.host, mailbox: cfg.mailbox }, 'IMAP poller started');
  return {
    pollNow,
    async close() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      const c = client; client = undefined;
      await c?.logout().catch(() => c.close());
    },
  };
}
