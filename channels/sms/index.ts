import type { ChannelModule } from '../types';
import { createTwilioAdapter } from './adapter';
import { twilioSettings } from './config';
import { mountTwilioIngress } from './ingress';

/**
 * Twilio: SMS/MMS in and out. The same webhooks also carry the official WhatsApp route (`whatsapp:+...`), so the
 * whatsapp channel module reuses this ingress; it is mounted once, here.
 */
export const sms: ChannelModule = {
  createAdapter: (ctx) => createTwilioAdapter(ctx, twilioSettings(ctx.env), 'sms'),
  mountIngress(ctx) {
    const settings = twilioSettings(ctx.env);
    if (!settings) {
      ctx.logger.info('TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN not set: Twilio webhooks answer 503');
      ctx.router.post(['/webhooks/twilio/messages', '/webhooks/twilio/status'], (_req, res) => void res.status(503).json({ error: 'Twilio is not configured' }));
      return;
    }
    mountTwilioIngress(ctx, settings);
  },
};
