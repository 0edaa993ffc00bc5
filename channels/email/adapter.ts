import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { PermanentSendError, type ChannelAdapter } from '../../src/domain/messages';
import type { AdapterContext } from '../types';
import { emailSettings } from './settings';
import { outboundMessageId, replyAddress, replySubject } from './threading';

/**
 * Sends agent replies through the configured SMTP relay. The mail threads in the customer's client: our own
 * Message-ID (also the providerId, so a later bounce finds the message), In-Reply-To/References of the customer's
 * last mail, and a Reply-To carrying the conversation token. Accepted by the relay = sent.
 */
export function createAdapter(ctx: AdapterContext): ChannelAdapter {
  const settings = emailSettings(ctx.env);
  const out = settings.outbound;
  const transport = out
    ? nodemailer.createTransport({
        host: out.host, port: out.port, secure: out.secure,
        auth: out.user ? { user: out.user, pass: out.pass ?? '' } : undefined,
        // A relay without STARTTLS is only acceptable on loopback (tests, a local MTA).
        ignoreTLS: !out.secure && /^(127\.|localhost$|::1$)/.test(out.host),
      })
    : undefined;
  return {
    channel: 'email',
    async send(outbound) {
      if (!transport || !settings.fromAddress) throw new PermanentSendError('email is not configured (EMAIL_OUTBOUND_HOST, EMAIL_FROM_ADDRESS)');
      const domain = settings.replyDomain ?? settings.fromAddress.split('@')[1]!;
      const messageId = outboundMessageId(outbound.messageId, domain);
      const hints = outbound.threadHints ?? {};
      const references = (hints.references ?? '').split(/\s+/).filter(Boolean);
      const attachments: Mail.Attachment[] = [];
      for (const a of outbound.attachments) {
        const file = a.storageKey ? await ctx.openAttachment(a.storageKey) : null;
        if (!file) throw new PermanentSendError(`attachment ${a.name} is no longer stored`);
        attachments.push({ filename: file.name, contentType: file.contentType, content: file.stream });
      }
      const replyTo = settings.replyDomain && settings.tokenSecret
        ? replyAddress(outbound.conversationId, { local: settings.replyLocal, domain: settings.replyDomain, secret: settings.tokenSecret })
        : undefined;
      try {
        await transport.sendMail({
          from: { name: outbound.author.name ? `${outbound.author.name} (${settings.fromName})` : settings.fromName, address: settings.fromAddress },
          to: outbound.to,
          replyTo,
          subject: outbound.subject ?? replySubject(hints.subject),
          messageId,
          inReplyTo: hints.inReplyTo,
          references: references.length ? references : undefined,
          text: outbound.text,
          html: outbound.html,
          attachments,
          // Our out-of-hours replies say so (RFC 3834), so other systems do not answer them and no mail loop starts.
          headers: hints.autoReply === 'true' ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : undefined,
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx from the relay: the address or the content is refused; retrying changes nothing.
        if (code && code >= 500) throw new PermanentSendError(`relay refused the mail: ${(err as Error).message}`, String(code));
        throw err;
      }
      return { providerId: messageId };
    },
  };
}
