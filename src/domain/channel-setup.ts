// The admin console's channel setup view (GET /api/admin/channels); a type only, shared with agent-ui.
/** What an admin needs to connect each channel, derived from the validated config. Never carries a secret. */
export interface ChannelSetup {
  publicUrl: string;
  /** False when PUBLIC_URL is unset and the URLs below were derived from the admin's own request. */
  publicUrlConfigured: boolean;
  email: {
    supportAddresses: string[];
    smtp: { enabled: boolean; host: string; port?: number };
    imap: { enabled: boolean; host?: string; user?: string; mailbox: string };
    outbound: { enabled: boolean; host?: string; fromAddress?: string; replyDomain?: string };
  };
  twilio: {
    configured: boolean;
    fromNumber?: string;
    messagingServiceSid?: string;
    whatsappFrom?: string;
    webhooks: { messages: string; status: string };
  };
  whatsapp: { route: 'twilio' | 'wwebjs'; official: boolean; templates: number };
  webchat: { scriptUrl: string; snippet: string; strictIdentity: boolean };
}
