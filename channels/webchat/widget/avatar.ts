/** Initials of an agent's display name ("Deniz Aksoy" -> "DA"), in the widget's language's upper case. */
export function initials(name: string, locale: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words.slice(0, 1);
  return letters.map((w) => Array.from(w)[0] ?? '').join('').toLocaleUpperCase(locale === 'tr' ? 'tr-TR' : 'en-GB') || '?';
}

/** A stable, readable background for a name (white initials on it keep enough contrast). */
export function avatarColour(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return `hsl(${h} 45% 36%)`;
}
