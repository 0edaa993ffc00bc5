import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);

/**
 * Email channel settings (part of the hub's config, validated at start). Each intake is off unless its host/port
 * is set. Kept in src/domain so channels/email can read the validated values back from its context's env.
 */
export const emailConfigShape = {
  // Built-in SMTP listener (intake 1).
  EMAIL_SMTP_PORT: port.optional(),
  EMAIL_SMTP_HOST: z.string().default('127.0.0.1'),
  // Comma list of the addresses we accept mail for (plus their +token forms); other recipients get 550.
  EMAIL_SUPPORT_ADDRESSES: z.string().default(''),
  // Largest raw message accepted (SMTP SIZE, 552 above it).
  EMAIL_MAX_BYTES: z.coerce.number().int().min(1024).default(30 * 1024 * 1024),
  // A mail (or one of its parts) up to this size is held in memory while it is taken; a larger one is spooled to a
  // file under EMAIL_SPOOL_DIR (unset: the OS temp dir), removed once the mail is queued or refused.
  EMAIL_SPOOL_MEMORY_BYTES: z.coerce.number().int().min(16 * 1024).default(1024 * 1024),
  EMAIL_SPOOL_DIR: z.string().min(1).optional(),
  // How many spooled (large) mails one hub parses and stores at once; more get SMTP 452 at MAIL FROM (declared
  // SIZE) or wait for their turn after DATA.
  EMAIL_LARGE_MAILS_AT_ONCE: z.coerce.number().int().min(1).max(100).default(2),
  // IMAP polling (intake 2).
  EMAIL_IMAP_HOST: z.string().optional(),
  EMAIL_IMAP_PORT: port.default(993),
  EMAIL_IMAP_USER: z.string().optional(),
  EMAIL_IMAP_PASSWORD: z.string().optional(),
  EMAIL_IMAP_TLS: flag.default(true),
  EMAIL_IMAP_MAILBOX: z.string().default('INBOX'),
  // Polling interval; with IDLE new mail is fetched at once and this is only the safety net.
  EMAIL_IMAP_POLL_MS: z.coerce.number().int().min(100).default(60_000),
  // Outbound relay (nodemailer SMTP transport).
  EMAIL_OUTBOUND_HOST: z.string().optional(),
  EMAIL_OUTBOUND_PORT: port.default(587),
  EMAIL_OUTBOUND_USER: z.string().optional(),
  EMAIL_OUTBOUND_PASS: z.string().optional(),
  EMAIL_OUTBOUND_SECURE: flag.default(false),
  EMAIL_FROM_ADDRESS: z.email().optional(),
  EMAIL_FROM_NAME: z.string().max(200).default('Support'),
  // support+<token>@EMAIL_REPLY_DOMAIN is the Reply-To of our mail; the token names the conversation.
  EMAIL_REPLY_DOMAIN: z.string().optional(),
  EMAIL_REPLY_LOCAL: z.string().default('support'),
  // Signs the reply tokens so a customer cannot forge one for another conversation.
  EMAIL_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

export const emailConfigSchema = z.object(emailConfigShape);
export type EmailConfig = z.infer<typeof emailConfigSchema>;
