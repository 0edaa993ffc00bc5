import { detect } from 'tinyld';
import type { Types } from 'mongoose';
import type { Models } from '../../store';

/** Languages detection may answer with; restricting tinyld to them makes short messages far more reliable. */
export const DETECTABLE_LANGUAGES = ['tr', 'en', 'de', 'fr', 'es', 'ar', 'ru'];
/** Below this many letters a guess is noise ("ok", "?"); nothing is stored. */
const MIN_LETTERS = 8;

export function detectLanguage(text: string | undefined | null): string | null {
  const t = (text ?? '').trim();
  if ((t.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return null;
  return detect(t, { only: DETECTABLE_LANGUAGES }) || null;
}

/**
 * Stores the detected language on the customer unless an agent set one (the agent's choice always wins).
 * One conditional write, no read-modify-write. Returns the customer's language after the update.
 */
export async function applyDetectedLanguage(m: Models, customerId: Types.ObjectId, text: string | undefined | null): Promise<string | null> {
  const detected = detectLanguage(text);
  if (detected) {
    await m.customers.setDetectedLanguage(customerId, detected);
  }
  const c = await m.customers.byId(customerId, ['language']);
  return c?.language ?? null;
}

/** An agent sets (or clears, with null) the customer's language; detection never overwrites it afterwards. */
export async function setCustomerLanguage(m: Models, customerId: Types.ObjectId, language: string | null) {
  return m.customers.setLanguage(customerId, language);
}
