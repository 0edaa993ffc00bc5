import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { IngressHandle } from '../types';
import { AttachmentTooLargeError, takeMail, type IntakeContext } from './intake';
import { LargeMailGate, type Release } from './large-mail-gate';
import { receiveRawMail } from './raw-mail';
import type { EmailSettings } from './settings';
import { MailWorkspace } from './spool';

type SmtpError = Error & { responseCode?: number };
const smtpError = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

/** How long a large mail that did not declare its size waits after DATA for a slot (clients wait 10 min for the reply). */
const UNDECLARED_WAIT_MS = 3 * 60_000;

/** Whether we take mail for this recipient: a support address, or its +tag form (support+<token>@domain). */
export function acceptsRecipient(address: string, supportAddresses: string[]): boolean {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  const base = `${local.split('+')[0]}@${domain}`;
  return supportAddresses.includes(address.toLowerCase()) || supportAddresses.includes(base);
}

/**
 * The built-in SMTP listener: 550 for recipients that are not ours, 552 above the size limit (announced with SIZE,
 * enforced while streaming), and 250 only after the mail is queued (or recorded as a bounce or in quarantine).
 * Memory stays bounded: a mail above `spool.memoryBytes` streams to a file (removed before the answer), its parts
 * stream from there into the store, and at most `spool.largeAtOnce` such mails are taken at once; a client
 * declaring a large SIZE= when all slots are taken gets 452 at MAIL FROM (its MTA retries), an undeclared one waits
 * after DATA for its turn.
 * Meant to sit behind the organisation's MX (which handles TLS and spam); it takes no AUTH.
 */
export async function startSmtpIngress(ctx: IntakeContext, settings: EmailSettings): Promise<IngressHandle & { port: number }> {
  const { port, host, maxBytes } = settings.smtp!;
  const { dir, memoryBytes, largeAtOnce } = settings.spool;
  const gate = new LargeMailGate(largeAtOnce);
  const held = new Map<string, Release>(); // slots taken at MAIL FROM, per session, until its DATA is answered
  const releaseHeld = (session: SMTPServerSession) => { held.get(session.id)?.(); held.delete(session.id); };

  const active = new Set<MailWorkspace>(); // removed at close too (a forced exit leaves them to the next start's sweep)
  const takeData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    const workspace = new MailWorkspace(dir);
    active.add(workspace);
    let slot = held.get(session.id);
    held.delete(session.id);
    try {
      const raw = await receiveRawMail(stream, workspace, { memoryBytes, maxBytes });
      if (raw.exceeded || stream.sizeExceeded) throw smtpError(552, `5.3.4 message larger than ${maxBytes} bytes`);
      if (raw.onDisk && !slot) {
        slot = await gate.acquire(UNDECLARED_WAIT_MS);
        if (!slot) throw smtpError(451, '4.3.1 too many large mails in progress, try again later');
      }
      await takeMail(ctx, settings, raw, { source: 'smtp', envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
    } finally {
      slot?.();
      active.delete(workspace);
      await workspace.remove().catch((err: unknown) => ctx.logger.error({ err }, 'email spool not removed'));
    }
  };

  const server = new SMTPServer({
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Kanal',
    logger: false,
    maxClients: 100,
    onMailFrom(address, session, callback) {
      releaseHeld(session); // a new transaction (after RSET) starts without a slot
      const declared = Number((address.args || {}).SIZE) || 0;
      if (declared > memoryBytes && declared <= maxBytes) {
        const slot = gate.tryAcquire();
        if (!slot) return callback(smtpError(452, '4.3.1 too many large mails in progress, try again later'));
        held.set(session.id, slot);
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (!acceptsRecipient(address.address, settings.supportAddresses)) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      takeData(stream, session).then(
        () => callback(),
        (err: unknown) => {
          const code = (err as SmtpError).responseCode;
          if (code) return callback(err as SmtpError);
          if (err instanceof AttachmentTooLargeError) return callback(smtpError(552, `5.3.4 ${err.message}`));
          // The client went away mid-mail: nothing was taken, nobody is waiting for an answer.
          if ((err as NodeJS.ErrnoException).code === 'ECONNECTION') {
            ctx.logger.info('SMTP client disconnected during DATA');
            return callback(err as Error);
          }
          ctx.logger.error({ err }, 'email intake failed; sender told to retry');
          callback(smtpError(451, '4.3.0 temporary failure, try again later'));
        },
      );
    },
    onClose(session) {
      releaseHeld(session);
    },
  });
  server.on('error', (err) => ctx.logger.error({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  ctx.logger.info({ host, port: bound }, 'SMTP listener up');
  return {
    port: bound,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Shutdown: spool files of mails still arriving are temporary files; one that cannot be removed is logged.
      await Promise.all([...active].map((w) => w.remove().catch((err: unknown) => ctx.logger.warn({ err }, 'email spool not removed at shutdown'))));
    },
  };
}
