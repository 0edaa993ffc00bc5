import os from 'node:os';
import { emailConfigSchema } from '../../src/domain/email-config';

/** The email channel's settings, read back from the validated config the hub passes in the context's env. */
export function emailSettings(env: NodeJS.ProcessEnv) {
  const c = emailConfigSchema.parse(env);
  const supportAddresses = c.EMAIL_SUPPORT_ADDRESSES.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
  const replyDomain = c.EMAIL_REPLY_DOMAIN ?? c.EMAIL_FROM_ADDRESS?.split('@')[1];
  return {
    smtp: c.EMAIL_SMTP_PORT === undefined ? undefined : { port: c.EMAIL_SMTP_PORT, host: c.EMAIL_SMTP_HOST, maxBytes: c.EMAIL_MAX_BYTES },
    supportAddresses,
    // Where mails above memoryBytes are spooled while they are taken (both intakes), and how many at once (SMTP).
    spool: { dir: c.EMAIL_SPOOL_DIR ?? os.tmpdir(), memoryBytes: c.EMAIL_SPOOL_MEMORY_BYTES, largeAtOnce: c.EMAIL_LARGE_MAILS_AT_ONCE },
    imap: c.EMAIL_IMAP_HOST && c.EMAIL_IMAP_USER
      ? { host: c.EMAIL_IMAP_HOST, port: c.EMAIL_IMAP_PORT, user: c.EMAIL_IMAP_USER, password: c.EMAIL_IMAP_PASSWORD ?? '', tls: c.EMAIL_IMAP_TLS, mailbox: c.EMAIL_IMAP_MAILBOX, pollMs: c.EMAIL_IMAP_POLL_MS }
      : undefined,
    outbound: c.EMAIL_OUTBOUND_HOST
      ? { host: c.EMAIL_OUTBOUND_HOST, port: c.EMAIL_OUTBOUND_PORT, user: c.EMAIL_OUTBOUND_USER, pass: c.EMAIL_OUTBOUND_PASS, secure: c.EMAIL_OUTBOUND_SECURE }
      : undefined,
    fromAddress: c.EMAIL_FROM_ADDRESS,
    fromName: c.EMAIL_FROM_NAME,
    replyDomain,
    replyLocal: c.EMAIL_REPLY_LOCAL,
    tokenSecret: c.EMAIL_TOKEN_SECRET,
  };
}
export type EmailSettings = ReturnType<typeof emailSettings>;
