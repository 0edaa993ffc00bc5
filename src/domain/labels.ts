export const MAX_LABELS = 30;
/** Characters of one label (after normalizing). */
export const MAX_LABEL_LENGTH = 40;

/** One spelling per label: trimmed, inner spaces collapsed, lowercased the Turkish way (İ -> i, I -> ı). */
export const normalizeLabel = (label: string) => label.trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');
