import { z } from 'zod';
import { conversationEffects, sendReply } from '../../services/conversations/lifecycle';
import { toMessageView } from '../../services/conversations/views';
import { channelModules } from '../../../channels';
import { customerChannels } from '../../services/delivery/reply-channels';
import { parseTemplates, renderTemplate, type WhatsAppTemplates } from '../../services/delivery/wa-window';
import type { HubDeps } from '../../deps';
import { KanalError } from '../../domain/errors';
import { idParams, route } from '../route';
import { channelName, err, messageViewSchema } from '../schemas';

const localized = z.object({ tr: z.string(), en: z.string() });

export const channelOptionSchema = z.looseObject({
  channel: channelName,
  address: z.string(),
  available: z.boolean(),
  reason: z.string().optional(),
  reasonText: localized.extend({ code: z.string() }).optional(),
  official: z.boolean(),
  route: z.enum(['twilio', 'wwebjs']).optional(),
  windowClosesAt: z.iso.datetime().nullable().optional(),
  templates: z.array(z.string()).optional(),
});

/** The console's channel list: names, labels in every console language and badge colours (from the registry). */
export const channelInfoSchema = z.object({ name: channelName, label: localized, colour: z.string(), background: z.string(), identityKind: z.string() });

export const templateBody = z.object({
  template: z.string().min(1).max(64),
  variables: z.record(z.string().max(64), z.string().max(1024)).default({}),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
});

// Parsed once per config object: the JSON was validated at start (see templatesOf in docs/phone.md).
const parsed = new WeakMap<object, WhatsAppTemplates>();
function templatesOf(deps: HubDeps): WhatsAppTemplates {
  let t = parsed.get(deps.config);
  if (!t) {
    try {
      t = parseTemplates(deps.config.WHATSAPP_TEMPLATES);
    } catch (e) {
      deps.logger.error({ err: e }, 'WHATSAPP_TEMPLATES is invalid: no templates available');
      t = {};
    }
    parsed.set(deps.config, t);
  }
  return t;
}

export const channelRoutes = [
  route({
    method: 'get', path: '/channels', tag: 'channels', access: 'agent', resource: 'none',
    summary: 'The registered channels in console order, with their labels (Turkish and English) and badge colours',
    responses: { 200: { description: 'channels', schema: z.array(channelInfoSchema) } },
    async handler() {
      return { status: 200, body: channelModules.map((m) => ({ name: m.name, identityKind: m.identity.kind, ...m.presentation })) };
    },
  }),
  route({
    method: 'get', path: '/customers/:id/channels', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'The channels a reply can go out on, each with whether it is available now and why not (a code: channel not configured on this hub, WhatsApp 24-hour window closed)',
    params: idParams,
    responses: { 200: { description: 'channel options', schema: z.array(channelOptionSchema) }, 404: err('customer not found') },
    async handler({ params, deps }) {
      const options = await customerChannels(deps.models, params.id, deps.config);
      if (!options) throw new KanalError('not_found', 'customer not found');
      return { status: 200, body: options };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/template', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Send an approved WhatsApp template (possible outside the 24-hour window)', params: idParams, body: templateBody,
    responses: {
      202: { description: 'accepted; delivery follows', schema: messageViewSchema },
      404: err('conversation not found'), 409: err('client id used elsewhere'),
      422: err('unknown template, missing variables, no WhatsApp number, or templates need the official route'),
    },
    async handler({ params, body, agent, deps }) {
      if (deps.config.WHATSAPP_ROUTE !== 'twilio') throw new KanalError('unprocessable', 'templates are for the official WhatsApp route (WHATSAPP_ROUTE=twilio)');
      const rendered = renderTemplate(templatesOf(deps), body.template, body.variables); // TemplateError: 422
      const { message } = await sendReply(conversationEffects(deps), { // a template is an agent reply too
        conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: rendered.text, channel: 'whatsapp',
        clientId: body.clientId, threadHints: rendered.threadHints, settings: deps.config,
      });
      return { status: 202, body: toMessageView(message) };
    },
  }),
];
