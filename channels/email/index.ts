import { CHANNEL_NOT_CONFIGURED } from '../../src/domain/channels';
import { emailConfigShape } from '../../src/domain/email-config';
import type { ChannelModule, IngressHandle } from '../types';
import { createAdapter } from './adapter';
import { startImapPoller } from './imap-poller';
import { emailReplyThreading } from './reply-threading';
import { emailSettings } from './settings';
import { startSmtpIngress } from './smtp-ingress';
import { prepareSpoolDir } from './spool';

const NOT_CONFIGURED = {
  code: CHANNEL_NOT_CONFIGURED,
  en: 'email sending is not set up on this hub (no outgoing mail relay or from address); an admin can set it up',
  tr: 'Bu sunucuda e-posta gönderimi ayarlı değil (giden posta sunucusu ya da gönderen adresi yok); bir yönetici ayarlayabilir',
};

/** Email: SMTP listener and IMAP poller for intake (each off unless configured), nodemailer for replies. */
export const email = {
  name: 'email',
  identity: { kind: 'email', contact: 'email', normalize: (address: string) => address.toLowerCase() },
  presentation: { label: { tr: 'E-posta', en: 'Email' }, colour: '#24477a', background: '#e6edf8' },
  config: emailConfigShape, // EMAIL_* (docs/email.md)
  // Replies need an outgoing relay and a from address (channels/email/adapter.ts).
  replyAvailability: (ctx) => (ctx.settings.EMAIL_OUTBOUND_HOST && ctx.settings.EMAIL_FROM_ADDRESS ? { available: true } : { available: false, reason: NOT_CONFIGURED }),
  prepareOutbound: emailReplyThreading,
  createAdapter,
  async mountIngress(ctx) {
    const settings = emailSettings(ctx.env);
    const handles: IngressHandle[] = [];
    if (settings.smtp || settings.imap) await prepareSpoolDir(settings.spool.dir); // large mails are spooled there
    if (settings.smtp) {
      if (!settings.supportAddresses.length) ctx.logger.warn('EMAIL_SUPPORT_ADDRESSES is empty: the SMTP listener refuses every recipient');
      handles.push(await startSmtpIngress(ctx, settings));
    }
    if (settings.imap) handles.push(startImapPoller(ctx, settings));
    return { close: async () => { await Promise.all(handles.map((h) => h.close())); } };
  },
} satisfies ChannelModule;
