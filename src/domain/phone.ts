import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { KanalError } from './errors';

/** A phone number the hub cannot use as an identity: the ingress answers 400, a reply 422. */
export class InvalidPhoneNumberError extends KanalError {
  constructor(readonly input: string) {
    super('invalid_input', `not a valid phone number: ${JSON.stringify(input.slice(0, 40))}`);
  }
}

/**
 * Normalizes any way a customer's number is written to E.164, so 0532 123 45 67, +90 532 123 45 67 and
 * 905321234567 are one identity. Numbers without a country code are read in `defaultRegion` (PHONE_DEFAULT_REGION,
 * TR unless configured). Shared by every phone channel (Twilio SMS, Twilio WhatsApp, whatsapp-web.js) and CSV import.
 */
export function toE164(raw: string, defaultRegion: string = 'TR'): string {
  const input = raw.trim().replace(/^(whatsapp|sms|tel):/i, '');
  const region = defaultRegion.toUpperCase() as CountryCode;
  let parsed = parsePhoneNumberFromString(input, region);
  // "90532..." (country code without +) is common in exports and WhatsApp ids: try it as international too.
  if ((!parsed || !parsed.isValid()) && /^\d{8,15}$/.test(input.replace(/[\s().-]/g, ''))) {
    parsed = parsePhoneNumberFromString(`+${input.replace(/[\s().-]/g, '')}`);
  }
  if (!parsed || !parsed.isValid()) throw new InvalidPhoneNumberError(raw);
  return parsed.number;
}

/** E.164 or null, for places where "not a number" is an answer rather than an error. */
export function tryE164(raw: string, defaultRegion?: string): string | null {
  try {
    return toE164(raw, defaultRegion);
  } catch {
    return null;
  }
}
