import { z } from "@hono/zod-openapi";
import { addDays } from "../dates";
import { allPages, apiUrl, baseUrlOption, expectShape, providerJson, ProviderError, type SpendAdapter } from "./adapter";
import { isDecimal, parseDecimal } from "../../lib/decimal";

const DEFAULT_BASE = "https://bigquery.googleapis.com";
const WAIT_MS = 10_000;
const MAX_POLLS = 30;

// jobs.query / jobs.getQueryResults: rows as {f: [{v}]} in the SELECT's column order; the job
// may not be complete on the first answer, and results may come in pages (`pageToken`).
const QueryResponse = z.looseObject({
  jobComplete: z.boolean(),
  jobReference: z.looseObject({ projectId: z.string(), jobId: z.string(), location: z.string().nullish() }),
  rows: z.array(z.looseObject({ f: z.array(z.looseObject({ v: z.string().nullable() })).length(4) })).default([]),
  pageToken: z.string().nullish(),
  errors: z.array(z.looseObject({ message: z.string().optional() })).nullish(),
});
type QueryResponse = z.infer<typeof QueryResponse>;

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const TABLE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}\*?$/;

const options = {
  projectId: z.string().regex(PROJECT, "a Google Cloud project id").describe("Project the query job runs (and is billed) in"),
  table: z
    .string()
    .regex(TABLE, "project.dataset.table (a trailing * selects a wildcard table)")
    .optional()
    .describe("Cloud Billing export table; default `<projectId>.billing_export.gcp_billing_export_v1_*`"),
  location: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,32}$/)
    .optional()
    .describe("BigQuery location of the dataset (e.g. US, EU)"),
  includeCredits: z.boolean().default(true).describe("Subtract credits (discounts, free tier) from cost, as the invoice does"),
  baseUrl: baseUrlOption(DEFAULT_BASE),
};

/** Daily net cost per service. The table name cannot be a query parameter; it is checked against TABLE. */
function costQuery(table: string, includeCredits: boolean): string {
  const credits = includeCredits ? " + SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0))" : "";
  return [
    "SELECT FORMAT_DATE('%Y-%m-%d', DATE(usage_start_time)) AS day, service.description AS service, currency,",
    `  CAST(SUM(CAST(cost AS NUMERIC))${credits} AS STRING) AS cost`,
    `FROM \`${table}\``,
    "WHERE usage_start_time >= @from AND usage_start_time < @to",
    "GROUP BY day, service, currency",
    "ORDER BY day, service",
  ].join("\n");
}

const timestamp = (name: string, day: string) => ({
  name,
  parameterType: { type: "TIMESTAMP" },
  parameterValue: { value: `${day} 00:00:00+00:00` },
});

export const gcpAdapter: SpendAdapter<typeof options> = {
  provider: "gcp",
  label: "GCP",
  description: "Google Cloud Billing export in BigQuery (jobs.query, polling getQueryResults): daily net cost per service.",
  tokenDescription: "An OAuth 2.0 access token with bigquery.jobs.create on the project and read access to the export dataset",
  token: z.string().min(1).max(4096),
  options,
  accountLabel: "project",
  async fetchCosts({ token, from, to, options: opts, fetch }) {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" };
    const base = opts.baseUrl ?? DEFAULT_BASE;
    const table = opts.table ?? `${opts.projectId}.billing_export.gcp_billing_export_v1_*`;
    const call = async (request: Request) => {
      const body = expectShape("GCP", QueryResponse, await providerJson("GCP", fetch, request));
      if (body.jobComplete && body.errors?.length) {
        throw new ProviderError(`GCP query failed: ${body.errors[0]?.message ?? "unknown error"}`.slice(0, 400));
      }
      return body;
    };
    const results = (job: QueryResponse["jobReference"], pageToken?: string) => {
      const url = apiUrl(base, `/bigquery/v2/projects/${encodeURIComponent(job.projectId)}/queries/${encodeURIComponent(job.jobId)}`);
      url.searchParams.set("timeoutMs", String(WAIT_MS));
      if (job.location) url.searchParams.set("location", job.location);
      if (pageToken) url.searchParams.set("pageToken", pageToken);
      return call(new Request(url, { headers }));
    };

    let first = await call(
      new Request(apiUrl(base, `/bigquery/v2/projects/${opts.projectId}/queries`), {
        method: "POST",
        headers,
        body: JSON.stringify({
          query: costQuery(table, opts.includeCredits),
          useLegacySql: false,
          parameterMode: "NAMED",
          queryParameters: [timestamp("from", from), timestamp("to", addDays(to, 1))],
          timeoutMs: WAIT_MS,
          ...(opts.location ? { location: opts.location } : {}),
        }),
      }),
    );
    // getQueryResults itself waits up to timeoutMs for the job, so polling needs no sleep.
    for (let polls = 0; !first.jobComplete; polls++) {
      if (polls >= MAX_POLLS) throw new ProviderError(`GCP query job ${first.jobReference.jobId} did not finish in ${(MAX_POLLS * WAIT_MS) / 1000} s`);
      first = await results(first.jobReference);
    }
    const job = first.jobReference;
    const pages = await allPages<QueryResponse>(
      "GCP",
      (token) => (token ? results(job, token) : Promise.resolve(first)),
      (p) => p.pageToken || undefined,
    );
    return pages.flatMap((page) =>
      page.rows.flatMap(({ f }) => {
        const [day, service, currency, cost] = f.map((cell) => cell.v);
        if (!day || !currency || cost === null || cost === undefined) return [];
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !isDecimal(cost))
          throw new ProviderError(`GCP answered with an unexpected row: ${JSON.stringify(f).slice(0, 200)}`);
        return [
          {
            day,
            account: opts.projectId,
            service: service ?? "Unknown service",
            amount: parseDecimal(cost),
            unit: "major" as const,
            currency: currency.toUpperCase(),
          },
        ];
      }),
    );
  },
};
