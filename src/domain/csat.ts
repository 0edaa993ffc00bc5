import { z } from 'zod';

/**
 * Customer satisfaction surveys (docs/csat.md): what a team configures, what a response is, and how a customer's
 * reply on SMS or WhatsApp is read as a rating. Pure: no store, no clock.
 */

/** A team's survey settings (stored in `teampolicies.csat`; teams without their own use the default's). */
export const csatSettingsSchema = z.object({
  /** On by default: every resolved conversation is asked once. */
  enabled: z.boolean().default(true),
  /** Minutes between the resolve and the survey (a conversation reopened meanwhile is not asked). */
  delayMinutes: z.number().int().min(0).max(7 * 24 * 60).default(0),
  /** One survey per customer per this many days (0: every resolved conversation). */
  frequencyDays: z.number().int().min(0).max(365).default(0),
  /** Hours after the survey when an unanswered one gets its single reminder (0: no reminder). */
  reminderHours: z.number().int().min(0).max(7 * 24).default(24),
  /** An optional second question: none, a free-text comment prompt, or NPS 0-10. */
  secondQuestion: z.enum(['none', 'text', 'nps']).default('none'),
});
export type CsatSettings = z.output<typeof csatSettingsSchema>;
export const DEFAULT_CSAT_SETTINGS: CsatSettings = csatSettingsSchema.parse({});

/** How long a survey can be answered after it was sent (the link expires then). */
export const SURVEY_VALID_MS = 7 * 24 * 3600 * 1000;
/** A response can be changed this long after it was first given. */
export const CHANGE_WINDOW_MS = 24 * 3600 * 1000;

export const CSAT_SCORES = [1, 2, 3, 4, 5] as const;
/** CSAT counts 4 and 5 as satisfied (docs/metrics.md). */
export const isSatisfied = (score: number) => score >= 4;

export const csatAnswerSchema = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional(),
  /** The second question's answer: NPS 0-10 or free text, as the team asked. */
  nps: z.coerce.number().int().min(0).max(10).optional(),
  followUp: z.string().trim().max(2000).optional(),
});
export type CsatAnswer = z.output<typeof csatAnswerSchema>;

// Words customers answer with, lowercased and without punctuation. Turkish and English; longer phrases first.
const WORDS: Array<[string, number]> = [
  ['çok kötü', 1], ['berbat', 1], ['rezalet', 1], ['terrible', 1], ['awful', 1], ['very bad', 1], ['horrible', 1],
  ['kötü', 2], ['bad', 2], ['poor', 2],
  ['orta', 3], ['idare eder', 3], ['fena değil', 3], ['okay', 3], ['ok', 3], ['average', 3], ['so so', 3], ['not bad', 3],
  ['çok iyi', 5], ['mükemmel', 5], ['harika', 5], ['süper', 5], ['excellent', 5], ['great', 5], ['perfect', 5], ['amazing', 5], ['very good', 5],
  ['iyi', 4], ['good', 4], ['memnunum', 4], ['satisfied', 4],
];

/**
 * A customer's reply read as a rating 1-5, or null when it is not one (then it is an ordinary message). Accepts a
 * lone digit ("5", "5/5", "4 ⭐"), or a short phrase ("çok iyi", "great"); anything longer than a few words is a
 * message, not an answer, so "5 numaralı siparişim nerede" stays a message.
 */
export function parseRatingReply(text: string | null | undefined): number | null {
  const t = (text ?? '').toLocaleLowerCase('tr').replace(/[!.,;:?👍⭐️*\s]+/gu, ' ').trim();
  if (!t || t.length > 24) return null;
  const digit = /^([1-5])(?: ?\/ ?5)?$/.exec(t);
  if (digit) return Number(digit[1]);
  for (const [word, score] of WORDS) if (t === word) return score;
  return null;
}

/** Customer-facing texts, per language (tr, en; others get English). `{link}` is the survey page. */
const TEXTS = {
  en: {
    askLink: 'How did we do? Please rate our conversation (1-5): {link}',
    askReply: 'How did we do? Reply with a number from 1 (bad) to 5 (great).',
    remindLink: 'A quick reminder: how would you rate our conversation? {link}',
    remindReply: 'A quick reminder: reply with 1 (bad) to 5 (great) to rate our conversation.',
    subject: 'How did we do?',
    author: 'Survey',
  },
  tr: {
    askLink: 'Nasıldık? Lütfen görüşmemizi değerlendirin (1-5): {link}',
    askReply: 'Nasıldık? 1 (kötü) ile 5 (çok iyi) arasında bir sayıyla yanıtlayın.',
    remindLink: 'Kısa bir hatırlatma: görüşmemizi nasıl değerlendirirsiniz? {link}',
    remindReply: 'Kısa bir hatırlatma: görüşmemizi değerlendirmek için 1 (kötü) ile 5 (çok iyi) arasında yanıt verin.',
    subject: 'Nasıldık?',
    author: 'Anket',
  },
} as const;
export type CsatLanguage = keyof typeof TEXTS;
export const csatLanguage = (language: string | null | undefined): CsatLanguage => (language?.toLowerCase().startsWith('tr') ? 'tr' : 'en');
export const csatTexts = (language: string | null | undefined) => TEXTS[csatLanguage(language)];
