import type { ChannelModule } from '../types';
import { TWILIO_NOT_CONFIGURED, twilioConfigShape, twilioConfigured } from './config-schema';
import { createTwilioAdapter } from './adapter';
import { twilioSettings } from './config';
import { mountTwilioIngress } from './ingress';

/**
 * Twilio: SMS/MMS in and out. The same webhooks also carry the official WhatsApp route (`whatsapp:+...`), so the
 * whatsapp channel module reuses this ingress; it is mounted once, here.
 */
export const sms = {
  name: 'sms',
  identity: { kind: 'phone', contact: 'phone' }, // E.164 (channels/phone.ts), shared with WhatsApp
  presentation: { label: { tr: 'SMS', en: 'SMS' }, colour: '#5d2d74', background: '#f3e9f7' },
  config: twilioConfigShape,
  replyAvailability: (ctx) => (twilioConfigured(ctx.settings) ? { available: true } : { available: false, reason: TWILIO_NOT_CONFIGURED }),
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
} satisfies ChannelModule;
