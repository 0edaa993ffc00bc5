import { z } from 'zod';
import { channelModules } from '../../../channels';
import { channelSetup, revealIdentitySecret } from '../../services/channel-setup/channel-setup';
import { KanalError } from '../../domain/errors';
import { route } from '../route';
import { err } from '../schemas';

const optional = z.string().optional();
const localized = z.object({ tr: z.string(), en: z.string() });
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
  sections: z.array(z.object({
    channel: z.string(), configured: z.boolean(), hint: localized.optional(),
    items: z.array(z.object({ label: localized, value: z.string(), copy: z.boolean().optional() })),
  })),
});

export const channelSetupRoutes = [
  route({
    method: 'get', path: '/admin/channels', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Channel setup: support email addresses, Twilio numbers and the webhook URLs to paste into Twilio, the WhatsApp route, the web chat snippet (no secrets)',
    responses: { 200: { description: 'channel setup', schema: channelSetupSchema } },
    async handler({ deps, req }) {
      const setup = channelSetup(deps.config, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
      // Channels that describe their own setup (ChannelModule.setup) add a card each.
      const sections = channelModules.flatMap((m) => (m.setup ? [m.setup(deps.config, setup.publicUrl)] : []));
      return { status: 200, body: { ...setup, sections } };
    },
  }),
  route({
    // Separate from the overview so the secret only leaves the hub when an admin asks to reveal it.
    method: 'get', path: '/admin/channels/webchat/identity-secret', tag: 'admin', access: 'admin', resource: 'none',
    summary: "The web chat identity secret (WIDGET_IDENTITY_SECRET) the host site's server signs user ids with",
    responses: { 200: { description: 'the secret', schema: z.object({ secret: z.string() }) }, 404: err('strict identity mode is off') },
    async handler({ agent, deps, res }) {
      const secret = await revealIdentitySecret(deps.models, deps.config, agent);
      if (!secret) throw new KanalError('not_found', 'strict identity mode is off: WIDGET_IDENTITY_SECRET is not set');
      res.setHeader('cache-control', 'no-store');
      return { status: 200, body: { secret } };
    },
  }),
];
