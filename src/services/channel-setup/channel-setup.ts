import type { Config } from '../../config';
import type { ChannelSetup } from '../../domain/channel-setup';
import { parseTemplates } from '../../domain/whatsapp-templates';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';

export type { ChannelSetup };

// Paths the channel adapters mount (channels/sms/ingress.ts); repeated as data so services stay below channels.
const TWILIO_MESSAGES_PATH = '/webhooks/twilio/messages';
const TWILIO_STATUS_PATH = '/webhooks/twilio/status';

/**
 * The web chat identity secret for an admin who asked to reveal it, or null when strict identity is off. Each
 * reveal is recorded in the audit log (the secret itself never: who saw it, and when).
 */
export async function revealIdentitySecret(m: Models, config: Config, actor: AuditActor): Promise<string | null> {
  const secret = config.WIDGET_IDENTITY_SECRET;
  if (secret) await audit(m, actor, 'channel.identity_secret_revealed', { type: 'channel', id: null, name: 'webchat' }, {}, {});
  return secret ?? null;
}

/** The setup of the channels with their own card in the console; the cards of the others are added by the route. */
export function channelSetup(config: Config, requestOrigin: string): Omit<ChannelSetup, 'sections'> {
  const base = (config.PUBLIC_URL ?? requestOrigin).replace(/\/$/, '');
  const scriptUrl = `${base}/widget.js`;
  // Validated at start (src/config), so parsing cannot fail here.
  const templates = Object.keys(parseTemplates(config.WHATSAPP_TEMPLATES)).length;
  const strict = Boolean(config.WIDGET_IDENTITY_SECRET);
  const settings = strict
    ? "window.KanalSettings = { locale: 'tr', userId: '<user id>', userHash: '<HMAC-SHA256 of userId, from your server>' };"
    : "window.KanalSettings = { locale: 'tr' };";
  return {
    publicUrl: base,
    publicUrlConfigured: Boolean(config.PUBLIC_URL),
    email: {
      supportAddresses: config.EMAIL_SUPPORT_ADDRESSES.split(',').map((a) => a.trim()).filter(Boolean),
      smtp: { enabled: config.EMAIL_SMTP_PORT !== undefined, host: config.EMAIL_SMTP_HOST, port: config.EMAIL_SMTP_PORT },
      imap: { enabled: Boolean(config.EMAIL_IMAP_HOST), host: config.EMAIL_IMAP_HOST, user: config.EMAIL_IMAP_USER, mailbox: config.EMAIL_IMAP_MAILBOX },
      outbound: { enabled: Boolean(config.EMAIL_OUTBOUND_HOST), host: config.EMAIL_OUTBOUND_HOST, fromAddress: config.EMAIL_FROM_ADDRESS, replyDomain: config.EMAIL_REPLY_DOMAIN },
    },
    twilio: {
      configured: Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN),
      fromNumber: config.TWILIO_FROM_NUMBER,
      messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
      whatsappFrom: config.TWILIO_WHATSAPP_FROM,
      webhooks: { messages: `${base}${TWILIO_MESSAGES_PATH}`, status: `${base}${TWILIO_STATUS_PATH}` },
    },
    whatsapp: { route: config.WHATSAPP_ROUTE, official: config.WHATSAPP_ROUTE === 'twilio', templates },
    webchat: {
      scriptUrl,
      snippet: `<script>${settings}</script>\n<script src="${scriptUrl}" data-kanal-hub="${base}" async></script>`,
      strictIdentity: strict,
    },
  };
}
