import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvResponse } from "../../src/http/csv";
import { call, token } from "../helpers";
import { insertDraft } from "../invoices/fixtures";
import { around, newTenant, writer } from "../metering/support";
import { seedItems, tenantToken } from "../spend/fixtures";

/** A CSV body as rows of cells (quoted fields unquoted), for comparing with what the JSON route says. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

async function csv(path: string, t: string) {
  const res = await call("GET", path, { token: t });
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
  return parseCsv(res.text);
}

describe("the CSV writer", () => {
  it("quotes what needs quoting and defuses formulas, but leaves numbers alone", () => {
    expect(csvLine(["a", 'say "hi"', "x,y", "two\nlines", null, 12, -5, true])).toBe('a,"say ""hi""","x,y","two\nlines",,12,-5,true\r\n');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-12.5")).toBe("-12.5");
    expect(csvCell("Łódź 東京 دبي")).toBe("Łódź 東京 دبي");
  });

  it("streams rows from an async source", async () => {
    async function* rows() {
      for (let i = 0; i < 3; i++) yield [i, `r${i}`];
    }
    const res = csvResponse("x.csv", ["n", "name"], rows());
    expect(await res.text()).toBe("n,name\r\n0,r0\r\n1,r1\r\n2,r2\r\n");
  });
});

describe("CSV exports", () => {
  it("GET …/invoices.csv lists every invoice the list's filters select, across pages", async () => {
    const tenant = newTenant("csvinv");
    const t = await token({ tenant });
    const ids = [];
    for (let i = 0; i < 205; i++) ids.push(await insertDraft(tenant, { lines: 1, amount: 100 + i, periodStart: Date.UTC(2026, 9, 1) + i * 1000 }));
    const finalized = ids[3]!;
    await call("POST", `invoices/${finalized}/finalize`, { token: t });

    const rows = await csv(`tenants/${tenant}/invoices.csv`, t);
    expect(rows[0]).toEqual(expect.arrayContaining(["id", "number", "status", "currency", "total", "amountDue"]));
    expect(rows).toHaveLength(206);
    expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(ids));
    const col = (name: string) => rows[0]!.indexOf(name);
    const json = (await call("GET", `invoices/${finalized}`, { token: t })).json.data;
    const line = rows.find((r) => r[0] === finalized)!;
    expect([line[col("status")], line[col("number")], Number(line[col("total")])]).toEqual(["open", json.number, json.total.amount]);

    // A full page of the JSON list reads its lines in one statement, past D1's 100 bound parameters.
    const page = await call("GET", `tenants/${tenant}/invoices?limit=200`, { token: t });
    expect(page.status, page.text).toBe(200);
    expect(page.json.data).toHaveLength(200);

    const open = await csv(`tenants/${tenant}/invoices.csv?status=open`, t);
    expect(open.slice(1).map((r) => r[0])).toEqual([finalized]);
    expect((await call("GET", `tenants/${tenant}/invoices.csv?status=bogus`, { token: t })).status).toBe(400);
    expect((await call("GET", `tenants/${tenant}/invoices.csv`, { token: await token({ tenant: "someone-else" }) })).status).toBe(403);
  });

  it("GET …/usage/summary.csv has the JSON summary's rows, grouped the same way", async () => {
    const tenant = newTenant("csvuse");
    const t = await writer(tenant);
    for (const [i, projectId] of ["web", "web", "api"].entries()) {
      await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: `u${i}`, metric: "apiCalls", quantity: 2, projectId } });
    }
    const q = `groupBy=project&${around()}`;
    const json = (await call("GET", `tenants/${tenant}/usage/summary?${q}`, { token: t })).json.data.items;
    const rows = await csv(`tenants/${tenant}/usage/summary.csv?${q}`, t);
    expect(rows[0]).toEqual(["metric", "aggregation", "project", "quantity", "events", "rejected"]);
    expect(rows.slice(1)).toEqual(json.map((i: any) => [i.metric, i.aggregation, i.key ?? "", i.quantity, String(i.events), String(i.rejected)]));
    expect(rows.slice(1).map((r) => [r[2], r[3]])).toEqual([
      ["api", "2"],
      ["web", "4"],
    ]);
    expect((await call("GET", `tenants/${tenant}/usage/summary.csv?groupBy=nope`, { token: t })).status).toBe(400);
  });

  it("GET /reports/breakdown.csv and /reports/trend.csv follow the JSON reports and their filters", async () => {
    const { token: t } = await tenantToken("csvrep");
    await seedItems(t, [
      { name: "a", amount: 5000, provider: "gcp", date: "2026-03-02" },
      { name: "b", amount: 2000, provider: "=cmd|' /C calc'!A0", date: "2026-03-05" },
      { name: "c", amount: 3000, provider: "openai", date: "2026-04-01" },
    ]);
    const breakdown = await csv("reports/breakdown.csv?by=provider", t);
    expect(breakdown).toEqual([
      ["provider", "amount", "count", "percentage", "currency"],
      ["gcp", "5000", "1", "50", "USD"],
      ["openai", "3000", "1", "30", "USD"],
      // Providers are stored lower-case; the formula is defused either way.
      ["'=cmd|' /c calc'!a0", "2000", "1", "20", "USD"],
    ]);
    const filtered = await csv("reports/breakdown.csv?by=provider&from=2026-04-01", t);
    expect(filtered.slice(1).map((r) => r[0])).toEqual(["openai"]);
    expect(await csv("reports/trend.csv?interval=month", t)).toEqual([
      ["month", "amount", "count", "currency"],
      ["2026-03", "7000", "2", "USD"],
      ["2026-04", "3000", "1", "USD"],
    ]);
    expect((await call("GET", "reports/trend.csv?interval=fortnight", { token: t })).status).toBe(400);
  });
});
