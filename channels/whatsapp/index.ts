import { createTwilioAdapter } from '../sms/adapter';
import { twilioSettings } from '../sms/config';
import type { ChannelModule } from '../types';
import { createWwebjsAdapter } from './adapter';
import { whatsappConfigShape } from './config-schema';
import { whatsappAvailability, whatsappOutbound } from './window';

/**
 * One `whatsapp` channel, two routes chosen by WHATSAPP_ROUTE: `twilio` (official; its webhooks are the sms
 * module's, which tell WhatsApp apart by the `whatsapp:` prefix) or `wwebjs` (unofficial: a whatsapp-web.js session
 * process, src/whatsapp-session.ts, which enqueues inbound messages itself). Inbound messages record their route in
 * threadHints.route.
 */
export const whatsapp = {
  name: 'whatsapp',
  identity: { kind: 'phone', contact: 'phone' }, // one E.164 number: the same customer as on SMS
  presentation: { label: { tr: 'WhatsApp', en: 'WhatsApp' }, colour: '#1e5e26', background: '#e2f4e4' },
  config: whatsappConfigShape,
  replyAvailability: whatsappAvailability,
  prepareOutbound: whatsappOutbound,
  createAdapter(ctx) {
    return ctx.env.WHATSAPP_ROUTE === 'wwebjs' ? createWwebjsAdapter(ctx) : createTwilioAdapter(ctx, twilioSettings(ctx.env), 'whatsapp');
  },
} satisfies ChannelModule;
