const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 64;

/**
 * Turns free text into a safe FTS5 MATCH expression: every run of letters and digits becomes
 * a quoted prefix term (`"comp"*`), terms are ANDed. FTS5 syntax in the input (quotes, `*`,
 * `NEAR`, `AND`/`OR`/`NOT`, parentheses, column filters `name:`) is thereby plain text, so no
 * query string can make the MATCH fail. Returns null when nothing searchable is left.
 */
export function ftsQuery(q: string): string | null {
  const terms = q
    .normalize("NFKC")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  if (!terms) return null;
  const unique = [...new Set(terms.map((t) => t.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
  return unique.map((t) => `"${t}"*`).join(" ");
}
