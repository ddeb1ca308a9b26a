/** One font file and the code points it covers (CSS unicode-range syntax, as @fontsource lists them). */
export interface FontSlice {
  name: string;
  ranges: string;
  data: ArrayBuffer;
}

/** "U+20,U+3041-307f" → [[0x20, 0x20], [0x3041, 0x307f]]. */
export function parseRanges(ranges: string): Array<[number, number]> {
  return ranges.split(",").map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, "").split("-");
    return [parseInt(from!, 16), parseInt(to ?? from!, 16)];
  });
}
