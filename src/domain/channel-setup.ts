import type { LocalizedText } from './channels';

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
  /** Setup cards of channels that describe themselves (ChannelModule.setup), in registry order. */
  sections: SetupSection[];
}

/** One line of a channel's setup card in the admin console: what to paste where. Never a secret. */
export interface SetupItem {
  label: LocalizedText;
  value: string;
  /** Shown with a copy button (a webhook URL, a snippet). */
  copy?: boolean;
}

/** A channel's setup card (GET /api/admin/channels `sections`). */
export interface SetupSection {
  channel: string;
  configured: boolean;
  /** What is missing when not configured, in every console language. */
  hint?: LocalizedText;
  items: SetupItem[];
}


