import { PDFDocument, type PDFPage, rgb } from "pdf-lib";
import { InvoiceFonts } from "./fonts";
import { isoDay } from "../lib/time";

export interface PdfLine {
  description: string;
  quantity: string;
  unitPrice: string;
  amount: number;
  periodStart: number;
  periodEnd: number;
}

export interface InvoicePdfInput {
  number: string;
  currency: string;
  issuedAt: number;
  dueAt: number;
  periodStart: number;
  periodEnd: number;
  seller: { name: string; address: string };
  customer: { id: string; name: string | null; email: string | null; address: string[] };
  lines: PdfLine[];
  subtotal: number;
  discountTotal: number;
  taxRateBps: number;
  taxAmount: number;
  total: number;
  creditsApplied: number;
  amountDue: number;
}

export interface MoneyFormat {
  /** An integer amount in minor units, e.g. 120000 JPY → "¥120,000". */
  amount(minor: number): string;
  /** A decimal unit price in minor units, e.g. "0.02" USD → "$0.0002". */
  unit(decimalMinor: string): string;
}

const PAGE = { width: 595.28, height: 841.89, margin: 48 }; // A4 in points
const INK = rgb(0.11, 0.14, 0.2);
const MUTED = rgb(0.42, 0.45, 0.52);
const RULE = rgb(0.85, 0.87, 0.9);
const COLS = { description: PAGE.margin, quantity: 330, unitPrice: 420, amount: PAGE.width - PAGE.margin };
const ROW = 16;

/**
 * Renders an invoice as a PDF (A4, Noto Sans: Latin, Latin Extended, Arabic and Japanese, see
 * ./fonts). Lines flow onto as many pages as they
 * need, the table header repeats on each, and every page carries "page X of Y".
 * The invoice number is also written into the document metadata (title, subject, keywords).
 */
export async function renderInvoicePdf(input: InvoicePdfInput, fmt: MoneyFormat): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = InvoiceFonts.for(doc);
  doc.setTitle(`Invoice ${input.number}`);
  doc.setSubject(`Invoice ${input.number} for ${input.customer.name ?? input.customer.id}`);
  doc.setKeywords(["invoice", input.number, input.customer.id]);
  doc.setAuthor(input.seller.name);
  doc.setCreator("edge-billing");
  doc.setProducer("edge-billing (pdf-lib)");
  const fixed = new Date(input.issuedAt);
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);

  // A currency symbol no bundled font has falls back to the ISO code.
  const printable = (text: string) => (fonts.canRender(text) ? text : `${input.currency} ${text.replace(/[^\d.,\-\s]/g, "").trim()}`);
  const money = (minor: number) => printable(fmt.amount(minor));
  const unit = (value: string) => printable(fmt.unit(value));

  // Drawing is synchronous, font embedding is not: every font any text of the invoice needs is
  // embedded first (labels are ASCII; the rest is what the invoice holds).
  const labels = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;()%·-";
  const variable = [
    input.seller.name,
    input.seller.address,
    input.customer.name ?? "",
    input.customer.id,
    input.customer.email ?? "",
    ...input.customer.address,
    input.number,
    input.currency,
    ...input.lines.flatMap((l) => [l.description, l.quantity, unit(l.unitPrice), money(l.amount)]),
    ...[input.subtotal, -input.discountTotal, input.taxAmount, input.total, -input.creditsApplied, input.amountDue].map(money),
  ];
  await fonts.prepare([labels, ...variable]);
  await fonts.prepare([labels, ...variable], true);

  const text = (
    page: PDFPage,
    value: string,
    x: number,
    y: number,
    opts: { bold?: boolean; size?: number; color?: typeof INK; align?: "left" | "right" } = {},
  ) => {
    const size = opts.size ?? 9;
    const width = fonts.width(value, size, opts.bold);
    fonts.draw(page, value, opts.align === "right" ? x - width : x, y, { size, bold: opts.bold, color: opts.color ?? INK });
  };

  const truncate = (value: string, width: number, size = 9) => {
    if (fonts.width(value, size) <= width) return value;
    let cut = [...value];
    while (cut.length > 1 && fonts.width(`${cut.join("")}...`, size) > width) cut = cut.slice(0, -1);
    return `${cut.join("")}...`;
  };

  const pages: PDFPage[] = [];
  const newPage = (first: boolean): { page: PDFPage; y: number } => {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    pages.push(page);
    let y = PAGE.height - PAGE.margin;
    if (first) {
      text(page, input.seller.name, PAGE.margin, y - 4, { bold: true, size: 16 });
      for (const [i, l] of input.seller.address.split(/,\s*|\n/).entries()) text(page, l, PAGE.margin, y - 22 - i * 12, { color: MUTED });
      text(page, "INVOICE", COLS.amount, y - 4, { bold: true, size: 20, align: "right" });
      const meta: [string, string][] = [
        ["Invoice number", input.number],
        ["Issue date", isoDay(input.issuedAt)],
        ["Due date", isoDay(input.dueAt)],
        ["Service period", `${isoDay(input.periodStart)} to ${isoDay(input.periodEnd)}`],
      ];
      meta.forEach(([k, v], i) => {
        text(page, k, 360, y - 30 - i * 13, { color: MUTED });
        text(page, v, COLS.amount, y - 30 - i * 13, { align: "right", bold: true });
      });
      y -= 110;
      text(page, "BILL TO", PAGE.margin, y, { bold: true, size: 8, color: MUTED });
      const customer = [input.customer.name ?? input.customer.id, ...input.customer.address, input.customer.email ?? ""].filter(Boolean);
      for (const [i, l] of customer.entries()) text(page, l, PAGE.margin, y - 14 - i * 12, { bold: i === 0 });
      text(page, "AMOUNT DUE", COLS.amount, y, { bold: true, size: 8, color: MUTED, align: "right" });
      text(page, money(input.amountDue), COLS.amount, y - 20, { bold: true, size: 18, align: "right" });
      y -= Math.max(30 + customer.length * 12, 50);
    } else {
      text(page, `${input.seller.name} · Invoice ${input.number} (continued)`, PAGE.margin, y - 4, { color: MUTED });
      y -= 28;
    }
    text(page, "Description", COLS.description, y, { bold: true, color: MUTED });
    text(page, "Qty", COLS.quantity, y, { bold: true, color: MUTED, align: "right" });
    text(page, "Unit price", COLS.unitPrice, y, { bold: true, color: MUTED, align: "right" });
    text(page, "Amount", COLS.amount, y, { bold: true, color: MUTED, align: "right" });
    page.drawLine({ start: { x: PAGE.margin, y: y - 5 }, end: { x: COLS.amount, y: y - 5 }, thickness: 0.7, color: RULE });
    return { page, y: y - ROW - 4 };
  };

  const bottom = PAGE.margin + 30;
  let { page, y } = newPage(true);
  for (const line of input.lines) {
    if (y - ROW < bottom) ({ page, y } = newPage(false));
    text(page, truncate(line.description, COLS.quantity - COLS.description - 60), COLS.description, y);
    text(page, `${isoDay(line.periodStart)} to ${isoDay(line.periodEnd)}`, COLS.description, y - 9, { size: 7, color: MUTED });
    text(page, line.quantity, COLS.quantity, y, { align: "right" });
    text(page, unit(line.unitPrice), COLS.unitPrice, y, { align: "right" });
    text(page, money(line.amount), COLS.amount, y, { align: "right" });
    y -= ROW + 6;
  }

  const totals: [string, number, boolean][] = [
    ["Subtotal", input.subtotal, false],
    ["Discounts", -input.discountTotal, false],
    [`Tax (${(input.taxRateBps / 100).toFixed(2).replace(/\.?0+$/, "")}%)`, input.taxAmount, false],
    ["Total", input.total, true],
    ["Credits applied", -input.creditsApplied, false],
    ["Amount due", input.amountDue, true],
  ];
  if (y - totals.length * ROW - 10 < bottom) ({ page, y } = newPage(false));
  page.drawLine({ start: { x: 330, y: y + 8 }, end: { x: COLS.amount, y: y + 8 }, thickness: 0.7, color: RULE });
  y -= 6;
  for (const [label, value, strong] of totals) {
    text(page, label, 340, y, { bold: strong });
    text(page, money(value), COLS.amount, y, { bold: strong, align: "right" });
    y -= ROW;
  }

  pages.forEach((p, i) => {
    text(p, `${input.number} · page ${i + 1} of ${pages.length}`, COLS.amount, PAGE.margin - 16, { size: 7, color: MUTED, align: "right" });
    text(p, `Amounts in ${input.currency}. Thank you for your business.`, PAGE.margin, PAGE.margin - 16, { size: 7, color: MUTED });
  });
  return doc.save();
}
