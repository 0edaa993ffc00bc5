import { z } from 'zod';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';

/**
 * What an admin sets for the web chat widget (Management → Web chat): the greeting it shows above an empty thread,
 * per language. Stored in `settings` under one key; each process keeps it CACHE_MS (a save clears this process's
 * copy, other processes see it within that time).
 */
export const WIDGET_LANGUAGES = ['tr', 'en'] as const;
const greetingText = z.string().trim().max(500, 'must be at most 500 characters');
export const widgetSettingsSchema = z.strictObject({
  greeting: z.strictObject({ tr: greetingText.optional(), en: greetingText.optional() }).default({}),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

const SETTING = 'widget';
const CACHE_MS = 5000;
const cache = new WeakMap<object, { value: WidgetSettings; until: number }>();

export async function widgetSettings(m: Models): Promise<WidgetSettings> {
  const hit = cache.get(m);
  if (hit && hit.until > Date.now()) return hit.value;
  const parsed = widgetSettingsSchema.safeParse((await m.settings.get(SETTING)) ?? {});
  const value = parsed.success ? parsed.data : { greeting: {} };
  cache.set(m, { value, until: Date.now() + CACHE_MS });
  return value;
}

/** An admin's change: validated by the route's schema, stored, audited, in effect at once on this process. */
export async function setWidgetSettings(m: Models, next: WidgetSettings, actor: AuditActor): Promise<WidgetSettings> {
  const before = await widgetSettings(m);
  // Empty greetings are dropped: the widget then uses its built-in one for that language.
  const greeting = Object.fromEntries(Object.entries(next.greeting).filter(([, v]) => v)) as WidgetSettings['greeting'];
  const value = { greeting };
  await m.settings.set(SETTING, value);
  await audit(m, actor, 'settings.widget_changed', { type: 'settings', id: null, name: 'web chat widget' }, before, value);
  cache.set(m, { value, until: Date.now() + CACHE_MS });
  return value;
}
