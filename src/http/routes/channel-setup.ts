import { z } from 'zod';
import { channelSetup } from '../../services/channel-setup/channel-setup';
import { HttpError } from '../errors';
import { route } from '../route';
import { err } from '../schemas';

const optional = z.string().optional();
export const channelSetupSchema = z.object({
  publicUrl: z.string(),
  publicUrlConfigured: z.boolean(),
  email: z.object({
    supportAddresses: z.array(z.string()),
    smtp: z.object({ enabled: z.boolean(), host: z.string(), port: z.number().optional() }),
    imap: z.object({ enabled: z.boolean(), host: optional, user: optional, mailbox: z.string() }),
    outbound: z.object({ enabled: z.boolean(), host: optional, fromAddress: optional, replyDomain: optional }),
  }),
  twilio: z.object({
    configured: z.boolean(), fromNumber: optional, messagingServiceSid: optional, whatsappFrom: optional,
    webhooks: z.object({ messages: z.string(), status: z.string() }),
  }),
  whatsapp: z.object({ route: z.enum(['twilio', 'wwebjs']), official: z.boolean(), templates: z.number() }),
  webchat: z.object({ scriptUrl: z.string(), snippet: z.string(), strictIdentity: z.boolean() }),
});

export const channelSetupRoutes = [
  route({
    method: 'get', path: '/admin/channels', tag: 'admin', access: 'admin',
    summary: 'Channel setup: support email addresses, Twilio numbers and the webhook URLs to paste into Twilio, the WhatsApp route, the web chat snippet (no secrets)',
    responses: { 200: { description: 'channel setup', schema: channelSetupSchema } },
    async handler({ deps, req }) {
      return { status: 200, body: channelSetup(deps.config, `${req.protocol}://${req.get('host') ?? 'localhost'}`) };
    },
  }),
  route({
    // Separate from the overview so the secret only leaves the hub when an admin asks to reveal it.
    method: 'get', path: '/admin/channels/webchat/identity-secret', tag: 'admin', access: 'admin',
    summary: "The web chat identity secret (WIDGET_IDENTITY_SECRET) the host site's server signs user ids with",
    responses: { 200: { description: 'the secret', schema: z.object({ secret: z.string() }) }, 404: err('strict identity mode is off') },
    async handler({ deps, res }) {
      const secret = deps.config.WIDGET_IDENTITY_SECRET;
      if (!secret) throw new HttpError(404, 'strict identity mode is off: WIDGET_IDENTITY_SECRET is not set');
      res.setHeader('cache-control', 'no-store');
      return { status: 200, body: { secret } };
    },
  }),
];
