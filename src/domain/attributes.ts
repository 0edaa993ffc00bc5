import { z } from 'zod';

/**
 * Typed custom attributes: an admin defines them (key, type, label) for customers or for conversations; values
 * set from the console, the API, CSV import or the widget's signed identity are checked against their definition
 * here, in one place, and stored in the form below (so the customer directory can index them by their JS type:
 * numbers, amounts and dates sort and range; strings, booleans and list options are equality sets).
 */
export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'list', 'currency', 'url'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export const ATTRIBUTE_SCOPES = ['customer', 'conversation'] as const;
export type AttributeScope = (typeof ATTRIBUTE_SCOPES)[number];

export const attributeKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _, starting with a letter (at most 40)');

/** The fields of a definition (the route's body omits key and scope, which come from the path). */
export const attributeDefinitionFields = z.object({
  key: attributeKeySchema,
  scope: z.enum(ATTRIBUTE_SCOPES),
  type: z.enum(ATTRIBUTE_TYPES),
  label: z.string().trim().min(1).max(80),
  /** list: the allowed options. */
  options: z.array(z.string().trim().min(1).max(80)).max(100).optional(),
  /** list: several options at once. */
  multi: z.boolean().optional(),
  /** currency: ISO 4217 code of every amount of this attribute. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as TRY').optional(),
});
export const attributeDefinitionSchema = attributeDefinitionFields.superRefine((d, ctx) => {
  if (d.type === 'list' && !d.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a list needs its options' });
  if (d.type === 'list' && d.options && new Set(d.options).size !== d.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options repeat' });
  if (d.type === 'currency' && !d.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'a currency amount needs its currency' });
});
export type AttributeDefinition = z.infer<typeof attributeDefinitionSchema>;

/** A currency amount as stored: the amount in the definition's currency (the code is kept for exports). */
export interface Money { amount: number; currency: string }
/** A stored attribute value. */
export type AttributeValue = string | number | boolean | Date | string[] | Money;

const TRUE = new Set(['true', '1', 'yes', 'evet', 'e', 'y']);
const FALSE = new Set(['false', '0', 'no', 'hayır', 'hayir', 'h', 'n']);
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The zod schema of one definition's values: accepts what people send (JSON types, or the strings a CSV cell holds:
 * "12,5", "evet", "2026-03-01", "a|b" for several options) and outputs the stored form.
 */
export function valueSchema(def: AttributeDefinition): z.ZodType<AttributeValue> {
  switch (def.type) {
    case 'text':
      return z.string().trim().min(1).max(1000);
    case 'number':
      return z.union([z.number(), z.string().trim().regex(/^-?\d+([.,]\d+)?$/, 'not a number').transform((s) => Number(s.replace(',', '.')))])
        .pipe(z.number().finite());
    case 'currency':
      return z.union([
        z.number(),
        z.string().trim().regex(/^-?\d+([.,]\d{1,2})?$/, 'not an amount (at most two decimals)').transform((s) => Number(s.replace(',', '.'))),
        z.object({ amount: z.number(), currency: z.string() }).refine((v) => v.currency === def.currency, `the currency must be ${def.currency}`).transform((v) => v.amount),
      ]).pipe(z.number().finite()).transform((amount): Money => ({ amount: Math.round(amount * 100) / 100, currency: def.currency! }));
    case 'date':
      return z.union([z.date(), z.string().trim().regex(DATE, 'not a date (YYYY-MM-DD)').transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))])
        .refine((d) => !Number.isNaN(d.getTime()), 'not a date');
    case 'boolean':
      return z.union([
        z.boolean(),
        z.string().trim().toLowerCase().refine((s) => TRUE.has(s) || FALSE.has(s), 'not yes/no').transform((s) => TRUE.has(s)),
      ]);
    case 'url':
      return z.string().trim().max(2000).refine((s) => {
        try {
          const u = new URL(s);
          return u.protocol === 'https:' || u.protocol === 'http:';
        } catch {
          return false;
        }
      }, 'not an http(s) URL');
    case 'list': {
      const options = def.options ?? [];
      const option = z.string().trim().refine((s) => options.includes(s), `not one of: ${options.join(', ')}`);
      if (!def.multi) return option;
      return z.union([z.array(z.string()), z.string().transform((s) => s.split('|'))])
        .pipe(z.array(option).min(1).max(options.length))
        .transform((xs) => [...new Set(xs)]);
    }
  }
}

/** Values to set (key -> raw value; null or '' clears) checked against the definitions of their scope. */
export type AttributeCheck =
  | { ok: true; set: Record<string, AttributeValue>; unset: string[] }
  | { ok: false; errors: { key: string; message: string }[] };

export function checkAttributeValues(defs: AttributeDefinition[], input: Record<string, unknown>): AttributeCheck {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const set: Record<string, AttributeValue> = {};
  const unset: string[] = [];
  const errors: { key: string; message: string }[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({ key, message: 'no such attribute' });
      continue;
    }
    if (raw === null || raw === '') {
      unset.push(key);
      continue;
    }
    const parsed = valueSchema(def).safeParse(raw);
    if (parsed.success) set[key] = parsed.data;
    else errors.push({ key, message: issueMessage(parsed.error.issues) });
  }
  return errors.length ? { ok: false, errors } : { ok: true, set, unset };
}

/**
 * The message that says why: a union (a value accepted as JSON or as text) reports "Invalid input"; the branch that
 * got as far as a check of its own (not a type mismatch) says what was wrong.
 */
export function issueMessage(issues: readonly z.core.$ZodIssue[]): string {
  for (const issue of issues) {
    if (issue.code === 'invalid_union') {
      const inner = issue.errors.flat().filter((i) => i.code !== 'invalid_type');
      if (inner.length) return issueMessage(inner);
      continue;
    }
    return issue.message;
  }
  return 'not a valid value for its type';
}

/** A stored value as text (CSV export, the console's read-only view): dates as YYYY-MM-DD, options joined by |. */
export function attributeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.join('|');
  if (typeof value === 'object' && 'amount' in value) return String((value as Money).amount);
  return String(value);
}
