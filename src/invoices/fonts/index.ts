import fontkit from "@pdf-lib/fontkit";
import latinBold from "@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff";
import latinExtBold from "@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff";
import latinExt from "@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff";
import latin from "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff";
import arabicBold from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff";
import arabic from "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff";
import type { PDFDocument, PDFFont, PDFPage, RGB } from "pdf-lib";
import { JAPANESE } from "./japanese";
import { parseRanges, type FontSlice } from "./slice";
import { sfntFromWoff } from "./woff";

// Invoice text in any of the scripts customers' names and addresses come in, from fonts bundled
// with the Worker (never fetched): Noto Sans for Latin and Latin Extended (regular and bold),
// Noto Sans Arabic (regular and bold), and the ~3,200 most frequent characters of Noto Sans JP
// (regular; bold text in Japanese is set in regular). A slice is embedded only when a text uses
// it (whole: see ./woff.ts), so a Latin invoice carries two small fonts and a Japanese name
// adds the few slices its characters are in.

const LATIN =
  "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD";
const LATIN_EXT =
  "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF";
const ARABIC =
  "U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC";

const slice = (name: string, ranges: string, data: ArrayBuffer): FontSlice => ({ name, ranges, data });
export const REGULAR: FontSlice[] = [slice("latin", LATIN, latin), slice("latin-ext", LATIN_EXT, latinExt), slice("arabic", ARABIC, arabic), ...JAPANESE];
const BOLD: FontSlice[] = [
  slice("latin-bold", LATIN, latinBold),
  slice("latin-ext-bold", LATIN_EXT, latinExtBold),
  slice("arabic-bold", ARABIC, arabicBold),
  ...JAPANESE,
];

interface Coverage {
  slice: FontSlice;
  ranges: Array<[number, number]>;
}
const coverage = (slices: FontSlice[]): Coverage[] => slices.map((s) => ({ slice: s, ranges: parseRanges(s.ranges) }));
const REGULAR_COVERAGE = coverage(REGULAR);
const BOLD_COVERAGE = coverage(BOLD);

const covers = (c: Coverage, cp: number) => c.ranges.some(([from, to]) => cp >= from && cp <= to);
const isRtl = (cp: number) => (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfefc);
/** Spaces, punctuation and digits take the direction of the text around them. */
const isNeutral = (ch: string) => /[\s\p{P}\p{S}\p{N}]/u.test(ch);

interface Run {
  slice: FontSlice | null;
  text: string;
  rtl: boolean;
  neutral: boolean;
}

// Unwrapped fonts, per isolate. Only finished bytes are kept: a promise shared between requests
// would tie one request's work to another's I/O context.
const unwrapped = new Map<string, Uint8Array>();

export async function sfnt(s: FontSlice): Promise<Uint8Array> {
  const known = unwrapped.get(s.name);
  if (known) return known;
  const bytes = await sfntFromWoff(new Uint8Array(s.data));
  unwrapped.set(s.name, bytes);
  return bytes;
}

/** What prints where no bundled font has the character. */
const MISSING = "?";

/**
 * The fonts of one PDF document. `draw` and `width` split a text into runs, one per font, in
 * visual order: a run of Arabic (or Hebrew) is shaped and reversed by fontkit, and consecutive
 * right-to-left runs with the spaces between them are laid right to left — enough of the
 * Unicode bidi algorithm for names and addresses in a left-to-right document.
 */
export class InvoiceFonts {
  private readonly embedded = new Map<string, Promise<PDFFont>>();
  private readonly loaded = new Map<string, PDFFont>();

  private constructor(private readonly doc: PDFDocument) {}

  static for(doc: PDFDocument): InvoiceFonts {
    doc.registerFontkit(fontkit);
    return new InvoiceFonts(doc);
  }

  /** Embeds every font `texts` need; call before drawing them (embedding is async, drawing is not). */
  async prepare(texts: Iterable<string>, bold = false): Promise<void> {
    const needed = new Set<FontSlice>();
    for (const text of texts) for (const run of this.runs(text, bold)) if (run.slice) needed.add(run.slice);
    await Promise.all([...needed].map((s) => this.embed(s)));
  }

  /** Whether every character of `text` has a bundled font. */
  canRender(text: string): boolean {
    return [...text].every((ch) => REGULAR_COVERAGE.some((c) => covers(c, ch.codePointAt(0)!)));
  }

  /** What `draw` would put down, left to right: each run's font and text. */
  layout(text: string, bold = false): Array<{ font: string; text: string }> {
    return this.visualRuns(text, bold).map((r) => ({ font: (r.slice ?? REGULAR[0]!).name, text: r.text }));
  }

  width(text: string, size: number, bold = false): number {
    return this.visualRuns(text, bold).reduce((sum, r) => sum + this.font(r).widthOfTextAtSize(r.text, size), 0);
  }

  draw(page: PDFPage, text: string, x: number, y: number, opts: { size: number; bold?: boolean; color: RGB }): void {
    let at = x;
    for (const run of this.visualRuns(text, opts.bold ?? false)) {
      const font = this.font(run);
      page.drawText(run.text, { x: at, y, size: opts.size, font, color: opts.color });
      at += font.widthOfTextAtSize(run.text, opts.size);
    }
  }

  private embed(s: FontSlice): Promise<PDFFont> {
    let font = this.embedded.get(s.name);
    if (!font) {
      font = sfnt(s)
        .then((bytes) => this.doc.embedFont(bytes, { subset: false }))
        .then((f) => {
          this.loaded.set(s.name, f);
          return f;
        });
      this.embedded.set(s.name, font);
    }
    return font;
  }

  private font(run: Run): PDFFont {
    const name = (run.slice ?? REGULAR[0]!).name;
    const font = this.loaded.get(name);
    if (!font) throw new Error(`font ${name} was not prepared before drawing`);
    return font;
  }

  /** Logical runs: each character in the first font covering it; neutrals stay in the current font when it covers them. */
  private runs(text: string, bold: boolean): Run[] {
    const fonts = bold ? BOLD_COVERAGE : REGULAR_COVERAGE;
    const runs: Run[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const last = runs[runs.length - 1];
      const neutral = isNeutral(ch);
      const current = last?.slice ? fonts.find((f) => f.slice === last.slice) : undefined;
      const chosen = neutral && current && covers(current, cp) ? current : fonts.find((f) => covers(f, cp));
      const piece = chosen ? ch : MISSING;
      const slice = chosen?.slice ?? fonts[0]!.slice;
      if (last && last.slice === slice && (neutral || last.neutral || last.rtl === isRtl(cp))) {
        last.text += piece;
        if (!neutral) Object.assign(last, { neutral: false, rtl: isRtl(cp) });
      } else runs.push({ slice, text: piece, rtl: !neutral && isRtl(cp), neutral });
    }
    return runs;
  }

  /** Runs in drawing order: a stretch of right-to-left runs (and the neutrals inside it) reversed. */
  private visualRuns(text: string, bold: boolean): Run[] {
    const runs = this.runs(text, bold);
    const out: Run[] = [];
    for (let i = 0; i < runs.length; ) {
      if (!runs[i]!.rtl) {
        out.push(runs[i++]!);
        continue;
      }
      let end = i;
      for (let j = i; j < runs.length && (runs[j]!.rtl || runs[j]!.neutral); j++) if (runs[j]!.rtl) end = j;
      out.push(...runs.slice(i, end + 1).reverse());
      i = end + 1;
    }
    return out;
  }
}
