import fontkit from "@pdf-lib/fontkit";
import { env } from "cloudflare:workers";
import { PDFDocument, PDFName, PDFDict } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { InvoiceFonts, REGULAR, sfnt } from "../../src/invoices/fonts";
import { adminToken, call, token } from "../helpers";
import { insertDraft } from "./fixtures";

const JAPANESE = "株式会社山田商事 東京都千代田区丸の内一丁目";
const ARABIC = "شركة محمد علي للتجارة";
const POLISH = "Zażółć Gęślą Jaźń Sp. z o.o., Łódź";

/** Every character of every run has a real glyph (not .notdef) in the font it is drawn with. */
async function missingGlyphs(fonts: InvoiceFonts, text: string) {
  const missing: string[] = [];
  for (const run of fonts.layout(text)) {
    const font = fontkit.create(await sfnt(REGULAR.find((s) => s.name === run.font)!));
    for (const ch of run.text) if (font.glyphForCodePoint(ch.codePointAt(0)!).id === 0) missing.push(ch);
  }
  return missing;
}

/** The BaseFont names of every font the PDF's pages use. */
async function embeddedFonts(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  const names = new Set<string>();
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookup(PDFName.of("Font"), PDFDict);
    for (const [, ref] of fonts?.entries() ?? []) {
      const font = doc.context.lookup(ref, PDFDict);
      names.add(String(font.get(PDFName.of("BaseFont"))));
    }
  }
  return [...names];
}

describe("invoice PDF fonts", () => {
  it("has a glyph for every character of a Japanese, an Arabic and a Polish name", async () => {
    const fonts = InvoiceFonts.for(await PDFDocument.create());
    for (const name of [JAPANESE, ARABIC, POLISH]) {
      expect(fonts.canRender(name), name).toBe(true);
      expect(await missingGlyphs(fonts, name), name).toEqual([]);
    }
    expect(fonts.layout(POLISH).map((r) => r.font)).toEqual(expect.arrayContaining(["latin", "latin-ext"]));
    expect(fonts.layout(JAPANESE).every((r) => r.font.startsWith("noto-sans-jp-") || r.text === " ")).toBe(true);
  });

  it("lays Arabic words out right to left, and keeps Latin around them left to right", async () => {
    const fonts = InvoiceFonts.for(await PDFDocument.create());
    // Logical "شركة محمد" is drawn with the second word on the left.
    expect(fonts.layout("شركة محمد")).toEqual([
      { font: "arabic", text: "محمد" },
      { font: "latin", text: " " },
      { font: "arabic", text: "شركة" },
    ]);
    expect(fonts.layout("Acme محمد GmbH").map((r) => r.text)).toEqual(["Acme ", "محمد", " GmbH"]);
    // Characters no bundled font has still print, as "?".
    expect(fonts.canRender("🙂")).toBe(false);
    expect(
      fonts
        .layout("a🙂b")
        .map((r) => r.text)
        .join(""),
    ).toBe("a?b");
  });

  it("embeds the fonts a finalized invoice's customer name needs, and only those", async () => {
    const admin = await adminToken();
    for (const [tenant, name, expected] of [
      ["pdf-jp", JAPANESE, "NotoSansJP"],
      ["pdf-ar", ARABIC, "NotoSansArabic"],
      ["pdf-pl", POLISH, "NotoSans"],
    ] as const) {
      const set = await call("PUT", `tenants/${tenant}`, { token: admin, body: { name, billingAddress: { line1: name, city: name, country: "JP" } } });
      expect(set.status, set.text).toBe(200);
      const id = await insertDraft(tenant);
      const fin = await call("POST", `invoices/${id}/finalize`, { token: await token({ tenant }) });
      expect(fin.status, fin.text).toBe(200);
      const object = await env.INVOICES.get(`invoices/${tenant}/${id}.pdf`);
      const pdf = new Uint8Array(await object!.arrayBuffer());
      const fonts = await embeddedFonts(pdf);
      expect(
        fonts.some((f) => f.includes(expected)),
        `${tenant}: ${fonts.join(", ")}`,
      ).toBe(true);
      expect(fonts.some((f) => f.includes("Helvetica"))).toBe(false);
      if (tenant !== "pdf-jp") expect(fonts.some((f) => f.includes("NotoSansJP"))).toBe(false);
      expect((await PDFDocument.load(pdf)).getSubject()).toContain(name);
      expect(pdf.byteLength).toBeLessThan(600_000);
    }
  });
});
