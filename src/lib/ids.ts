/**
 * Ids. Ours are `<type>_<26 characters>` (`inv_01kbz3q2x8…`): the type says what an id names
 * in a log line, the first 10 characters are the creation time in milliseconds and the other
 * 16 are random (80 bits, so ids cannot be guessed across tenants). Lowercase Crockford
 * base32, so ids of one type sort by creation time as plain strings (like a ULID).
 *
 * Spend tracking (seed 000) documents 12-character ids without a type ("abc123def456"): those
 * come from `newSeedId`.
 */
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

export function newId(prefix: string, now = Date.now()): string {
  let time = "";
  for (let t = now, i = 0; i < TIME_CHARS; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  // Each byte gives 5 of its 8 bits: 256 is a multiple of 32, so every character is equally likely.
  const random = Array.from(crypto.getRandomValues(new Uint8Array(RANDOM_CHARS)), (b) => CROCKFORD[b % 32]).join("");
  return `${prefix}_${time}${random}`;
}

const SEED_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A 12-character lowercase id like seed 000's "abc123def456" (~62 bits of randomness). */
export function newSeedId(): string {
  let id = "";
  while (id.length < 12) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      // 252 = 7 * 36: dropping larger bytes keeps every character equally likely.
      if (b < 252 && id.length < 12) id += SEED_ALPHABET[b % 36];
    }
  }
  return id;
}
