/**
 * Search terms: the one tokenizer used both when indexing (messages, customers) and when querying, so a query term
 * and an indexed term compare by plain string equality. Pure; imports nothing.
 *
 * Folding, Turkish first: İ, I and ı all become i (in Turkish I is the capital of ı and İ that of i; folding both
 * to i makes "İSTANBUL", "ISTANBUL", "istanbul" and "ıstanbul" one term), then ş→s, ğ→g, ü→u, ö→o, ç→c, and every
 * other diacritic is dropped through NFKD (é→e, â→a). Text splits on anything that is not a letter or a digit;
 * digits stay (order numbers, phone digits); one-character tokens are dropped.
 */

/** Longest term kept (longer tokens are cut, the same way at index and query time). */
export const MAX_TERM_LENGTH = 40;
/** Distinct terms indexed per message (the first ones in the text): bounds the postings of a long email. */
export const MAX_TERMS_PER_MESSAGE = 128;
/** Shortest prefix indexed for customer names and emails ("typing the beginning finds them"). */
export const MIN_PREFIX = 3;

const TURKISH: Record<string, string> = { ı: 'i', ş: 's', ğ: 'g', ü: 'u', ö: 'o', ç: 'c' };

/**
 * Lowercase and fold (see above); keeps separators, so callers can split or compare whole strings. U+0000 becomes
 * U+FFFD, as the store writes it (src/store/nul-guard.ts): a term holding it stays storable and still matches.
 */
export function foldText(text: string): string {
  let out = '';
  // İ/I first (toLowerCase would turn İ into "i̇" and I into i without Turkish rules), then fold ı→i with the rest.
  for (const ch of text.replace(/[İI]/g, 'ı').replace(/\u0000/g, '\uFFFD').toLowerCase()) out += TURKISH[ch] ?? ch;
  return out.normalize('NFKD').replace(/\p{M}+/gu, '');
}

/** The distinct terms of a text, in order of first appearance, at most `max`. */
export function tokenize(text: string, max = MAX_TERMS_PER_MESSAGE): string[] {
  const out = new Set<string>();
  for (const raw of foldText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 2) continue;
    out.add(raw.slice(0, MAX_TERM_LENGTH));
    if (out.size >= max) break;
  }
  return [...out];
}

/** Edge prefixes of a term from MIN_PREFIX characters up to the whole term: "sipariş" -> sip, sipa, ..., siparis. */
export function edgePrefixes(term: string, min = MIN_PREFIX): string[] {
  const out: string[] = [];
  for (let n = Math.min(min, term.length); n <= term.length; n++) out.push(term.slice(0, n));
  return out;
}

/** Digits only ("+90 (532) 123-45-67" -> "905321234567"). */
export const digitsOf = (text: string): string => text.replace(/\D+/g, '');

/**
 * Terms of a customer: name words with their prefixes; each email as the whole address, its local part (with
 * prefixes) and its words (with prefixes); each phone as E.164 digits and national digits with prefixes of 5+
 * digits, so "+90532", "0532 123" and "5321234567" all find +905321234567. `nationalPhone` gives the national part
 * of an E.164 number (the caller knows the numbering plan; the domain does not).
 */
export function customerTerms(c: { name?: string | null; emails?: (string | null | undefined)[]; phones?: { e164: string; national?: string }[] }): string[] {
  const out = new Set<string>();
  const addWords = (text: string) => {
    for (const t of tokenize(text, 32)) for (const p of edgePrefixes(t)) out.add(p);
  };
  if (c.name) addWords(c.name);
  for (const email of c.emails ?? []) {
    if (!email) continue;
    const folded = foldText(email.trim()).slice(0, 320);
    const at = folded.lastIndexOf('@');
    const local = at > 0 ? folded.slice(0, at) : folded;
    if (at > 0) out.add(emailTerm(folded));
    for (const p of edgePrefixes(local.slice(0, MAX_TERM_LENGTH))) out.add(`@${p}`);
    addWords(email);
  }
  for (const phone of c.phones ?? []) {
    for (const digits of [digitsOf(phone.e164), digitsOf(phone.national ?? '')]) {
      if (digits.length < PHONE_MIN_DIGITS) continue;
      for (const p of edgePrefixes(digits, PHONE_MIN_DIGITS)) out.add(p);
    }
  }
  return [...out];
}

/** Fewest digits a phone query needs (shorter digit runs are ordinary words, e.g. a year). */
export const PHONE_MIN_DIGITS = 5;

/** The whole-address term of an email (prefixed so it never equals a word). */
export const emailTerm = (foldedAddress: string) => `@@${foldedAddress}`.slice(0, 2 + 320);

/**
 * What a query looks for among customers, as alternatives tried in order until one finds someone; within one
 * alternative every term must match (AND). A query of digits and phone punctuation is a phone number (its digits,
 * without a leading international 00 or national 0: both indexed forms start without them). A single word with
 * '@' looks first for the whole address (exact), then for the local part typed so far and the words. Anything
 * else is words (each word matches a name or email word, or its beginning).
 */
export function customerQueryTerms(q: string): string[][] {
  const trimmed = q.trim();
  const digits = digitsOf(trimmed);
  if (digits.length >= PHONE_MIN_DIGITS && !/[^\d\s+().\-/]/.test(trimmed)) {
    const national = digits.startsWith('00') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : digits;
    return [[national.length >= PHONE_MIN_DIGITS ? national : digits]];
  }
  const words = tokenize(trimmed, 8);
  const folded = foldText(trimmed);
  const at = folded.indexOf('@');
  if (/\s/.test(folded) || at <= 0) return words.length ? [words] : [];
  const local = `@${folded.slice(0, at).slice(0, MAX_TERM_LENGTH)}`;
  const alternatives = [[local, ...words]];
  if (at < folded.length - 1) alternatives.unshift([emailTerm(folded)]);
  return alternatives;
}

/** What a query looks for among messages: all its words, in any order (at most 8). */
export const messageQueryTerms = (q: string): string[] => tokenize(q, 8);
