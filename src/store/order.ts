/**
 * Ascending order of a string field, as the store sorts it (binary, i.e. by code point; UTF-16 code units agree
 * outside the astral planes). For the small collections read whole and sorted in code instead of in the store.
 */
export const ascendingBy = <K extends string>(key: K) => <T extends Record<K, string>>(a: T, b: T): number =>
  a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
