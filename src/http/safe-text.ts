/**
 * Characters no name, id or code may carry: C0 and C1 control characters (NUL, CR, LF, ESC…),
 * DEL, the Unicode line and paragraph separators, and the bidirectional embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069) that make text display other than it reads.
 * They end up in PDFs, CSV exports, logs and other systems' headers, where each of them can
 * forge or hide something.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Free text (a `description`) may break lines and use tabs; the rest stays refused. */
const UNSAFE_IN_FREE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(["description"]);

export const UNSAFE_TEXT_MESSAGE = "control characters (NUL, CR, LF, …) and bidirectional overrides are not allowed";

export const isSafeText = (text: string) => !UNSAFE.test(text);

/**
 * The path of the first string in `value` (object keys included) that carries an unsafe
 * character, or undefined when there is none. `key` is the property holding `value`.
 */
export function unsafeTextPath(value: unknown, key?: string | number): (string | number)[] | undefined {
  if (typeof value === "string") {
    return (typeof key === "string" && FREE_TEXT_KEYS.has(key) ? UNSAFE_IN_FREE_TEXT : UNSAFE).test(value) ? [] : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unsafeTextPath(value[i], i);
      if (found) return [i, ...found];
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [name, item] of Object.entries(value)) {
      if (UNSAFE.test(name)) return [name];
      const found = unsafeTextPath(item, name);
      if (found) return [name, ...found];
    }
  }
  return undefined;
}
