import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Conversation reply tokens: support+<token>@domain, where the token is `c` + the conversation id (24 hex) + 16 hex
 * of an HMAC over it. All lowercase hex, because some relays lowercase local parts. Forging one for another
 * conversation needs the secret.
 */
const TOKEN = /^c([0-9a-f]{24})([0-9a-f]{16})$/;

const mac = (conversationId: string, secret: string) =>
  createHmac('sha256', secret).update(`kanal-email-reply:${conversationId}`).digest('hex').slice(0, 16);

export function conversationToken(conversationId: string, secret: string): string {
  return `c${conversationId}${mac(conversationId, secret)}`;
}

export function verifyToken(token: string, secret: string): string | undefined {
  const m = TOKEN.exec(token.toLowerCase());
  if (!m) return undefined;
  const expected = Buffer.from(mac(m[1]!, secret));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}

export function replyAddress(conversationId: string, opts: { local: string; domain: string; secret: string }): string {
  return `${opts.local}+${conversationToken(conversationId, opts.secret)}@${opts.domain}`;
}

/** The conversation named by the first recipient address carrying a valid token (`anything+<token>@...`). */
export function conversationFromRecipients(addresses: string[], secret: string | undefined): string | undefined {
  if (!secret) return undefined;
  for (const address of addresses) {
    const local = address.split('@')[0] ?? '';
    const plus = local.lastIndexOf('+');
    if (plus === -1) continue;
    const id = verifyToken(local.slice(plus + 1), secret);
    if (id) return id;
  }
  return undefined;
}

/** Our Message-ID for an outbound message: stable per message, so a retried send repeats the same id. */
export const outboundMessageId = (messageId: string, domain: string) => `<kanal.${messageId}@${domain}>`;

/** Message-IDs from a References/In-Reply-To header value (angle-bracketed, whitespace separated). */
export function parseMessageIds(value: string | string[] | undefined): string[] {
  const raw = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const ids = raw.match(/<[^<>\s]+>/g) ?? [];
  return [...new Set(ids)];
}

/** "Re: " once, whatever the customer's client put in front (Re:, RE:, Ynt:, YNT:, AW:, Fwd: kept). */
export function replySubject(subject: string | undefined): string {
  const base = (subject ?? '').replace(/^\s*((re|ynt|aw|sv)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
  return base ? `Re: ${base}` : 'Re: your message';
}
