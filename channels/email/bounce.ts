import type { ParsedMail } from 'mailparser';

/**
 * Delivery status notifications (RFC 3464) and classic mailer-daemon bounces. Pure. A bounce is never a customer
 * message: it names one of our outbound mails (by its Message-ID) and carries the reason it failed.
 */
export interface Bounce {
  /** Message-IDs the bounce refers to, most specific first (the returned original's, then its threading headers). */
  originalIds: string[];
  reason: string;
}

const daemonSender = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/** `raw`: the raw mail's first bytes (the intake keeps 256 KiB): enough to find an inlined original's Message-ID. */
export function detectBounce(mail: ParsedMail, raw: Buffer): Bounce | null {
  const contentType = headerText(mail, 'content-type');
  const isReport = /multipart\/report/i.test(contentType) && /delivery-status/i.test(contentType);
  const from = mail.from?.value[0]?.address ?? '';
  const daemon = daemonSender.test(from) || headerText(mail, 'return-path').trim() === '<>';
  const subjectSaysBounce = /(undeliver|delivery status notification \(failure\)|failure notice|returned mail|iletilemedi|teslim edilemedi)/i.test(mail.subject ?? '');
  if (!isReport && !(daemon && subjectSaysBounce) && !(daemon && hasReportPart(mail))) return null;

  const parts = (mail.attachments ?? []).map((a) => ({ type: a.contentType.toLowerCase(), text: a.content.toString('utf8') }));
  // mailparser keeps the status part as an attachment or folds it into the text, depending on its headers.
  const status = `${parts.find((p) => /^message\/(global-)?delivery-status$/.test(p.type))?.text ?? ''}\n${mail.text ?? ''}`;
  const returned = parts.filter((p) => /^(message\/rfc822|text\/rfc822-headers|message\/global|message\/global-headers)$/.test(p.type));
  const ids: string[] = [];
  for (const p of returned) ids.push(...headerIds(p.text, 'message-id'));
  // Without a returned-message part (some MTAs inline it), look through the whole body after the bounce's own headers.
  if (!ids.length) ids.push(...headerIds(bodyOf(raw), 'message-id'));
  ids.push(...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []));
  if (mail.inReplyTo) ids.push(mail.inReplyTo);
  const reason =
    field(status, 'diagnostic-code')?.replace(/^smtp;\s*/i, '') ??
    (field(status, 'status') ? `status ${field(status, 'status')}` : undefined) ??
    firstLine(mail.text) ??
    'bounced';
  return { originalIds: [...new Set(ids.filter((id) => /^<[^<>\s]+>$/.test(id)))], reason: `bounced: ${reason}`.slice(0, 480) };
}

function hasReportPart(mail: ParsedMail): boolean {
  return (mail.attachments ?? []).some((a) => /^message\/(delivery-status|rfc822)$|^text\/rfc822-headers$/i.test(a.contentType));
}

function headerText(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name) as unknown;
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'value' in v) {
    const o = v as { value: unknown; params?: Record<string, string> };
    return `${String(o.value)}; ${Object.entries(o.params ?? {}).map(([k, x]) => `${k}=${x}`).join('; ')}`;
  }
  return String(v);
}

function headerIds(text: string, name: string): string[] {
  const re = new RegExp(`^${name}:\\s*(<[^<>\\s]+>)`, 'gim');
  return [...text.matchAll(re)].map((m) => m[1]!);
}

function field(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.+(?:\\r?\\n[ \\t].+)*)`, 'im').exec(text);
  return m ? m[1]!.replace(/\s+/g, ' ').trim() : undefined;
}

function bodyOf(raw: Buffer): string {
  const s = raw.toString('latin1');
  const at = s.search(/\r?\n\r?\n/);
  return at === -1 ? '' : s.slice(at);
}

const firstLine = (text: string | undefined) => text?.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 300);
