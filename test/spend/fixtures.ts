import { vi } from "vitest";
import { call, token } from "../helpers";

let counter = 0;
/** A fresh tenant id per test: storage is shared within a file. */
export const uniqueTenant = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function tenantToken(prefix: string, opts: { scope?: string; sub?: string } = {}) {
  const tenant = uniqueTenant(prefix);
  return { tenant, token: await token({ tenant, scope: opts.scope ?? "billing:read billing:update", sub: opts.sub }) };
}

/** Creates items through the bulk endpoint and returns them in order. */
export async function seedItems(t: string, items: Record<string, unknown>[], query = "") {
  const res = await call("POST", `items/batch${query}`, { token: t, body: { items } });
  if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${res.text}`);
  return res.json.data.items as any[];
}

export interface Captured {
  url: URL;
  method: string;
  headers: Headers;
  body: string;
}

/**
 * Replaces the worker's outbound fetch (the provider APIs) for one test. `respond` sees each
 * request and returns the provider's answer; every request is captured for assertions.
 */
export function stubFetch(respond: (req: Captured, n: number) => Response | Promise<Response>) {
  const requests: Captured[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const captured = { url: new URL(request.url), method: request.method, headers: request.headers, body: await request.text() };
    requests.push(captured);
    return respond(captured, requests.length - 1);
  });
  return requests;
}

// Bodies shaped like each provider's documented responses.

export const openaiPage = (
  buckets: { day: string; results: { value: number; currency?: string; line_item?: string | null; project_id?: string | null }[] }[],
  next?: string,
) => ({
  object: "page",
  data: buckets.map((b) => {
    const start = Date.parse(`${b.day}T00:00:00Z`) / 1000;
    return {
      object: "bucket",
      start_time: start,
      end_time: start + 86400,
      results: b.results.map((r) => ({
        object: "organization.costs.result",
        amount: { value: r.value, currency: r.currency ?? "usd" },
        line_item: r.line_item ?? null,
        project_id: r.project_id ?? null,
      })),
    };
  }),
  has_more: next !== undefined,
  next_page: next ?? null,
});

export const anthropicPage = (
  buckets: { day: string; results: { amount: string; description?: string | null; workspace_id?: string | null; currency?: string }[] }[],
  next?: string,
) => ({
  data: buckets.map((b) => ({
    starting_at: `${b.day}T00:00:00Z`,
    ending_at: `${new Date(Date.parse(`${b.day}T00:00:00Z`) + 86400000).toISOString().slice(0, 10)}T00:00:00Z`,
    results: b.results.map((r) => ({
      amount: r.amount,
      currency: r.currency ?? "USD",
      description: r.description ?? null,
      workspace_id: r.workspace_id ?? null,
      cost_type: r.description ? "tokens" : null,
      model: null,
      service_tier: null,
      context_window: null,
      token_type: null,
    })),
  })),
  has_more: next !== undefined,
  next_page: next ?? null,
});

export const awsPage = (days: { day: string; groups: { service: string; amount: string; unit?: string }[] }[], next?: string) => ({
  GroupDefinitions: [{ Type: "DIMENSION", Key: "SERVICE" }],
  ResultsByTime: days.map((d) => ({
    TimePeriod: { Start: d.day, End: new Date(Date.parse(`${d.day}T00:00:00Z`) + 86400000).toISOString().slice(0, 10) },
    Total: {},
    Groups: d.groups.map((g) => ({ Keys: [g.service], Metrics: { UnblendedCost: { Amount: g.amount, Unit: g.unit ?? "USD" } } })),
    Estimated: false,
  })),
  DimensionValueAttributes: [],
  ...(next ? { NextPageToken: next } : {}),
});

export const bigQueryResponse = (
  rows: [day: string, service: string, currency: string, cost: string][],
  opts: { jobComplete?: boolean; pageToken?: string; jobId?: string } = {},
) => ({
  kind: "bigquery#queryResponse",
  schema: {
    fields: [
      { name: "day", type: "STRING", mode: "NULLABLE" },
      { name: "service", type: "STRING", mode: "NULLABLE" },
      { name: "currency", type: "STRING", mode: "NULLABLE" },
      { name: "cost", type: "STRING", mode: "NULLABLE" },
    ],
  },
  jobReference: { projectId: "my-gcp-project", jobId: opts.jobId ?? "job_abc", location: "US" },
  jobComplete: opts.jobComplete ?? true,
  ...(opts.jobComplete === false ? {} : { totalRows: String(rows.length), rows: rows.map((r) => ({ f: r.map((v) => ({ v })) })) }),
  ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
});
