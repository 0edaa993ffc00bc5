import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { IngressHandle } from '../types';
import { AttachmentTooLargeError, takeMail, type IntakeContext } from './intake';
import type { EmailSettings } from './settings';

type SmtpError = Error & { responseCode?: number };
const smtpError = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

/** Whether we take mail for this recipient: a support address, or its +tag form (support+<token>@domain). */
export function acceptsRecipient(address: string, supportAddresses: string[]): boolean {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  const base = `${local.split('+')[0]}@${domain}`;
  return supportAddresses.includes(address.toLowerCase()) || supportAddresses.includes(base);
}

/**
 * The built-in SMTP listener: 550 for recipients that are not ours, 552 above the size limit (announced with SIZE,
 * enforced while streaming), and 250 only after the mail is queued (or recorded as a bounce or in quarantine).
 * Meant to sit behind the organisation's MX (which handles TLS and spam); it takes no AUTH.
 */
export async function startSmtpIngress(ctx: IntakeContext, settings: EmailSettings): Promise<IngressHandle & { port: number }> {
  const { port, host, maxBytes } = settings.smtp!;
  const server = new SMTPServer({
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Kanal',
    logger: false,
    maxClients: 100,
    onRcptTo(address, _session, callback) {
      if (!acceptsRecipient(address.address, settings.supportAddresses)) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 message larger than ${maxBytes} bytes`));
        const raw = Buffer.concat(chunks);
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        takeMail(ctx, settings, raw, { source: 'smtp', envelopeTo }).then(
          () => callback(),
          (err: unknown) => {
            if (err instanceof AttachmentTooLargeError) return callback(smtpError(552, `5.3.4 ${err.message}`));
            ctx.logger.error({ err }, 'email intake failed; sender told to retry');
            callback(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      });
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
