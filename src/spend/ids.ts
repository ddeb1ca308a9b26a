const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A 12-character lowercase id like the seed's "abc123def456" (~62 bits of randomness). */
export function newId(): string {
  let id = "";
  while (id.length < 12) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      // 252 = 7 * 36: dropping larger bytes keeps every character equally likely.
      if (b < 252 && id.length < 12) id += ALPHABET[b % 36];
    }
  }
  return id;
}
