/**
 * Orders two strings as Go does, and so Helm's and Kubernetes' sorts: by code unit (for the ASCII of
 * names and kinds, by byte), not by locale. `localeCompare` orders by locale, and its first call in a
 * process sets up ICU's collator: ~11 ms, a fifth of a `quayside list`.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
