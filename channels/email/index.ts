import type { ChannelModule, IngressHandle } from '../types';
import { createAdapter } from './adapter';
import { startImapPoller } from './imap-poller';
import { emailSettings } from './settings';
import { startSmtpIngress } from './smtp-ingress';

/** Email: SMTP listener and IMAP poller for intake (each off unless configured), nodemailer for replies. */
export const email: ChannelModule = {
  createAdapter,
  async mountIngress(ctx) {
    const settings = emailSettings(ctx.env);
    const handles: IngressHandle[] = [];
    if (settings.smtp) {
      if (!settings.supportAddresses.length) ctx.logger.warn('EMAIL_SUPPORT_ADDRESSES is empty: the SMTP listener refuses every recipient');
      handles.push(await startSmtpIngress(ctx, settings));
    }
    if (settings.imap) handles.push(startImapPoller(ctx, settings));
    return { close: async () => { await Promise.all(handles.map((h) => h.close())); } };
  },
};
