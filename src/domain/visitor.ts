import { z } from 'zod';

/** Text of a visitor fact in the console's two languages (a city is "İstanbul" in Turkish, "Istanbul" in English). */
const localized = z.object({ tr: z.string().max(120), en: z.string().max(120) });

/**
 * What the web chat knows of an anonymous visitor when its session starts (channels/webchat/visitor-profile.ts): the
 * browser and OS from the User-Agent, the city from a header the hub's own proxy sets (WIDGET_CITY_HEADER) or else
 * the visitor's time zone, and what the widget reports of the page. Stored on the customer at the first message, so
 * agents see "Visitor · Istanbul · Chrome" and these details instead of a raw id. Nothing here is verified: the
 * widget runs on the visitor's machine.
 */
export const visitorProfileSchema = z.object({
  /** The readable name of a visitor who gave none: "Ziyaretçi · İstanbul · Chrome" / "Visitor · Istanbul · Chrome". */
  label: localized,
  browser: z.string().max(60).optional(),
  os: z.string().max(60).optional(),
  city: localized.optional(),
  /** Where the city came from: the proxy's header, or a guess from the time zone. */
  cityFrom: z.enum(['header', 'timezone']).optional(),
  /** IANA zone of the visitor's browser, for their local time. */
  timezone: z.string().max(64).optional(),
  /** The browser's language (BCP 47, e.g. tr-TR). */
  language: z.string().max(35).optional(),
  pageUrl: z.string().max(500).optional(),
  referrer: z.string().max(500).optional(),
});
export type VisitorProfile = z.infer<typeof visitorProfileSchema>;
