/** The console's languages, Turkish first. */
export const LANGUAGES = ['tr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Each language named in itself, as language switches do (a reader of only that language finds it). */
export const LANGUAGE_NAMES: Record<Language, string> = { tr: 'Türkçe', en: 'English' };

const KEY = 'kanal.language';
const isLanguage = (l: unknown): l is Language => LANGUAGES.includes(l as Language);

/**
 * The language before anyone signs in (the login page): the one last chosen or used on this browser, else the
 * first of the browser's languages the console speaks (`tr-TR` → tr, `en-US` → en), else Turkish.
 */
export function browserLanguage(): Language {
  const remembered = safeStorage(() => localStorage.getItem(KEY));
  if (isLanguage(remembered)) return remembered;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'tr';
}

/** Remembers the language on this browser (a choice on the login page, or the signed-in agent's setting). */
export function rememberLanguage(language: string): void {
  if (isLanguage(language)) safeStorage(() => localStorage.setItem(KEY, language));
}

/** Storage can be off (private modes, policies): the console works without remembering. */
function safeStorage<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
