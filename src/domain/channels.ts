export const CHANNELS = ['webchat', 'email', 'sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];
