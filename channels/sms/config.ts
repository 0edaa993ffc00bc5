/** Twilio settings as the channel reads them from its context env (secrets come from the validated config). */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Where the REST API lives: Twilio's cloud, or a local stand-in in tests (TWILIO_API_BASE). */
  apiBase: string;
  fromNumber?: string;
  messagingServiceSid?: string;
  whatsappFrom?: string;
  /** The hub's public base URL: webhook signatures are computed over it, status callbacks point to it. */
  publicUrl?: string;
  defaultRegion: string;
}

export const TWILIO_CLOUD = 'https://api.twilio.com';

export function twilioSettings(env: NodeJS.ProcessEnv): TwilioSettings | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return null;
  return {
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    apiBase: (env.TWILIO_API_BASE || TWILIO_CLOUD).replace(/\/+$/, ''),
    fromNumber: env.TWILIO_FROM_NUMBER || undefined,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID || undefined,
    whatsappFrom: env.TWILIO_WHATSAPP_FROM || undefined,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : undefined,
    defaultRegion: env.PHONE_DEFAULT_REGION || 'TR',
  };
}
