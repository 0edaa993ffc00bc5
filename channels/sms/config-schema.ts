import { CHANNEL_NOT_CONFIGURED } from '../../src/domain/channels';
import { z } from 'zod';

/** Twilio's settings (docs/phone.md), composed into the root config. Twilio is off until the SID and token are set. */
export const twilioConfigShape = {
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex)').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Twilio's REST API origin; only tests and proxies change it.
  TWILIO_API_BASE: z.url().optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
  TWILIO_WHATSAPP_FROM: z.string().regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be an E.164 number').optional(),
  // Numbers written without a country code (0532 ...) are read in this region.
  PHONE_DEFAULT_REGION: z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter region code').default('TR'),
};

/** Both Twilio channels (SMS, official WhatsApp) need the account SID and token. */
export const twilioConfigured = (settings: Readonly<Record<string, unknown>>) => Boolean(settings.TWILIO_ACCOUNT_SID && settings.TWILIO_AUTH_TOKEN);

export const TWILIO_NOT_CONFIGURED = { code: CHANNEL_NOT_CONFIGURED, en: 'Twilio is not configured', tr: 'Twilio ayarlı değil' };
