import { z } from "@hono/zod-openapi";
import { errorResponses } from "./envelope";

/**
 * CSV exports (RFC 4180): a header row, then rows streamed as they are produced, CRLF line ends,
 * UTF-8. Fields with a comma, quote or line break are quoted. A text cell that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) is prefixed with `'` (OWASP's CSV
 * injection rule); numbers are written as they are, so negative amounts stay numbers.
 */
export type CsvCell = string | number | boolean | null | undefined;
export type CsvRows = Iterable<readonly CsvCell[]> | AsyncIterable<readonly CsvCell[]>;

const FORMULA = /^[=+\-@\t\r]/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA.test(text) && !NUMERIC.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly CsvCell[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** A streamed `text/csv` download named `filename`. */
export function csvResponse(filename: string, columns: readonly string[], rows: CsvRows): Response {
  const encoder = new TextEncoder();
  async function* lines() {
    yield csvLine(columns);
    for await (const row of rows) yield csvLine(row);
  }
  const source = lines();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
    },
  });
}

/** The responses of a CSV route: the file, or the usual error envelopes. */
export function csvResponses(description: string) {
  return {
    200: { description, content: { "text/csv": { schema: z.string().openapi({ description: "RFC 4180 CSV with a header row" }) } } },
    ...errorResponses,
  } as const;
}
