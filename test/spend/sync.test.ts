import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminToken, call } from "../helpers";
import { anthropicPage, awsPage, bigQueryResponse, openaiPage, stubFetch, tenantToken, type Captured } from "./fixtures";

const LOG_LEVEL = env.LOG_LEVEL;
afterEach(() => {
  vi.restoreAllMocks();
  (env as { LOG_LEVEL?: string }).LOG_LEVEL = LOG_LEVEL;
});

/** Captures console output at debug level, so the check covers every log line a sync writes. */
function captureLogs() {
  (env as { LOG_LEVEL?: string }).LOG_LEVEL = "debug";
  const spies = (["log", "warn", "error"] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  return () => {
    (env as { LOG_LEVEL?: string }).LOG_LEVEL = LOG_LEVEL;
    return spies.flatMap((spy) => spy.mock.calls.map((args) => args.join(" "))).join("\n");
  };
}

const OPENAI_KEY = "sk-admin-OPENAI-secret-0123456789";
const ANTHROPIC_KEY = "sk-ant-admin01-ANTHROPIC-secret-abcdef";
const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const AWS_TOKEN = `AKIAIOSFODNN7EXAMPLE:${AWS_SECRET}`;
const GCP_TOKEN = "ya29.a0-GCP-access-token-secret-xyz";

/** Every row of every table, as text: a credential must appear in none of them. */
async function everyStoredRow(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{
    name: string;
  }>();
  const dumps = await Promise.all(tables.results.map(async ({ name }) => JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results)));
  return dumps.join("\n");
}

const sync = (t: string, body: Record<string, unknown>) => call("POST", "sync", { token: t, body });
const items = async (t: string, q = "") => (await call("GET", `items?limit=200${q}`, { token: t })).json.data as any[];

describe("openai adapter", () => {
  it("reads daily cost buckets page by page and converts dollars to cents exactly once", async () => {
    const { token: t } = await tenantToken("sync-openai", { sub: "ops" });
    const requests = stubFetch((req) =>
      Response.json(
        req.url.searchParams.get("page") === "page_2"
          ? openaiPage([{ day: "2026-03-02", results: [{ value: 2.675, line_item: "gpt-4o, input", project_id: "proj_a" }] }])
          : openaiPage(
              [
                {
                  day: "2026-03-01",
                  results: [
                    { value: 0.1, line_item: "gpt-4o, input", project_id: "proj_a" },
                    { value: 0.2, line_item: "gpt-4o, input", project_id: "proj_a" },
                    { value: 1.5, line_item: "gpt-4o, output", project_id: "proj_a" },
                    { value: 0, line_item: "tts-1", project_id: "proj_a" },
                  ],
                },
              ],
              "page_2",
            ),
      ),
    );
    const res = await sync(t, { provider: "openai", token: OPENAI_KEY, from: "2026-03-01", to: "2026-03-02" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({
      provider: "openai",
      status: "completed",
      itemsCreated: 3,
      itemsUpdated: 0,
      itemsUnchanged: 1,
      error: null,
      from: "2026-03-01",
      to: "2026-03-02",
      trigger: "manual",
      requestedBy: "ops",
    });

    expect(requests).toHaveLength(2);
    const first = requests[0]!;
    expect(`${first.url.origin}${first.url.pathname}`).toBe("https://api.openai.com/v1/organization/costs");
    expect(first.headers.get("authorization")).toBe(`Bearer ${OPENAI_KEY}`);
    expect(first.url.searchParams.get("start_time")).toBe(String(Date.UTC(2026, 2, 1) / 1000));
    expect(first.url.searchParams.get("end_time")).toBe(String(Date.UTC(2026, 2, 3) / 1000));
    expect(first.url.searchParams.get("bucket_width")).toBe("1d");
    expect(first.url.searchParams.getAll("group_by")).toEqual(["line_item", "project_id"]);
    expect(requests[1]!.url.searchParams.get("page")).toBe("page_2");

    const stored = await items(t, "&provider=openai");
    const byRef = Object.fromEntries(stored.map((i) => [i.providerRef, i]));
    // 0.1 + 0.2 is 0.3 exactly (30 cents); 2.675 is 267.5 cents, half to even → 268 (a float multiply gives 267).
    expect(byRef["openai:proj_a:2026-03-01:gpt-4o, input"]).toMatchObject({
      amount: 30,
      currency: "USD",
      name: "OpenAI gpt-4o, input",
      service: "gpt-4o, input",
      date: "2026-03-01T00:00:00.000Z",
      tags: ["synced"],
      author: "ops",
      syncJobId: res.json.data.id,
      recurring: false,
    });
    expect(byRef["openai:proj_a:2026-03-01:gpt-4o, output"]!.amount).toBe(150);
    expect(byRef["openai:proj_a:2026-03-02:gpt-4o, input"]!.amount).toBe(268);
    expect(byRef["openai:proj_a:2026-03-01:tts-1"]).toBeUndefined();
  });
});

describe("anthropic adapter", () => {
  it("reads the cost report with the admin key and sums cent strings exactly", async () => {
    const { token: t } = await tenantToken("sync-anthropic");
    const requests = stubFetch((req) =>
      Response.json(
        req.url.searchParams.get("page")
          ? anthropicPage([{ day: "2026-03-02", results: [{ amount: "0.5", description: "Claude Sonnet 4 Usage - Input Tokens", workspace_id: "wrk_1" }] }])
          : anthropicPage(
              [
                {
                  day: "2026-03-01",
                  results: [
                    { amount: "123.45", description: "Claude Sonnet 4 Usage - Input Tokens", workspace_id: "wrk_1" },
                    { amount: "0.55", description: "Claude Sonnet 4 Usage - Input Tokens", workspace_id: "wrk_1" },
                    { amount: "1.5", description: "Web Search", workspace_id: null },
                  ],
                },
              ],
              "page_MjAyNi0wMy0wMg==",
            ),
      ),
    );
    const res = await sync(t, { provider: "anthropic", token: ANTHROPIC_KEY, from: "2026-03-01", to: "2026-03-02" });
    expect(res.json.data).toMatchObject({ status: "completed", itemsCreated: 2, itemsUnchanged: 1 });
    const first = requests[0]!;
    expect(`${first.url.origin}${first.url.pathname}`).toBe("https://api.anthropic.com/v1/organizations/cost_report");
    expect(first.headers.get("x-api-key")).toBe(ANTHROPIC_KEY);
    expect(first.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(first.url.searchParams.get("starting_at")).toBe("2026-03-01T00:00:00Z");
    expect(first.url.searchParams.get("ending_at")).toBe("2026-03-03T00:00:00Z");
    expect(first.url.searchParams.getAll("group_by[]")).toEqual(["workspace_id", "description"]);
    expect(requests[1]!.url.searchParams.get("page")).toBe("page_MjAyNi0wMy0wMg==");

    const byRef = Object.fromEntries((await items(t)).map((i) => [i.providerRef, i.amount]));
    expect(byRef).toEqual({
      "anthropic:wrk_1:2026-03-01:Claude Sonnet 4 Usage - Input Tokens": 124, // 123.45 + 0.55 cents
      "anthropic:default:2026-03-01:Web Search": 2, // 1.5 cents, half to even
      // 0.5 cents rounds (half to even) to 0: no item for nothing.
    });
  });
});

describe("aws adapter", () => {
  it("signs GetCostAndUsage with SigV4 and follows NextPageToken", async () => {
    const { token: t } = await tenantToken("sync-aws");
    const requests = stubFetch((req) => {
      const body = JSON.parse(req.body);
      return Response.json(
        body.NextPageToken === "tok-2"
          ? awsPage([{ day: "2026-03-02", groups: [{ service: "Amazon Simple Storage Service", amount: "0.004" }] }])
          : awsPage(
              [
                {
                  day: "2026-03-01",
                  groups: [
                    { service: "Amazon Elastic Compute Cloud - Compute", amount: "12.3456" },
                    { service: "Tax", amount: "0" },
                  ],
                },
                { day: "2026-03-02", groups: [{ service: "Amazon Elastic Compute Cloud - Compute", amount: "-1.005" }] },
              ],
              "tok-2",
            ),
        { headers: { "content-type": "application/x-amz-json-1.1" } },
      );
    });
    const res = await sync(t, { provider: "aws", token: `${AWS_TOKEN}:SESSIONTOKEN123`, from: "2026-03-01", to: "2026-03-02", accountId: "123456789012" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({
      status: "completed",
      itemsCreated: 2,
      options: { region: "us-east-1", metric: "UnblendedCost", accountId: "123456789012" },
    });

    const first: Captured = requests[0]!;
    expect(first.method).toBe("POST");
    expect(first.url.href).toBe("https://ce.us-east-1.amazonaws.com/");
    expect(first.headers.get("x-amz-target")).toBe("AWSInsightsIndexService.GetCostAndUsage");
    expect(first.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(first.headers.get("authorization")).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/ce\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(first.headers.get("x-amz-date")).toMatch(/^\d{8}T\d{6}Z$/);
    expect(first.headers.get("x-amz-security-token")).toBe("SESSIONTOKEN123");
    expect(JSON.parse(first.body)).toEqual({
      TimePeriod: { Start: "2026-03-01", End: "2026-03-03" },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
    });
    expect(JSON.parse(requests[1]!.body).NextPageToken).toBe("tok-2");
    for (const r of requests) expect(`${[...r.headers].join()} ${r.body} ${r.url}`).not.toContain(AWS_SECRET);

    const byRef = Object.fromEntries((await items(t)).map((i) => [i.providerRef, i.amount]));
    expect(byRef).toEqual({
      "aws:123456789012:2026-03-01:Amazon Elastic Compute Cloud - Compute": 1235, // 1234.56 cents → 1235
      // Credits beyond charges: the provider's net figure, -100.5 cents → -100 (half to even).
      "aws:123456789012:2026-03-02:Amazon Elastic Compute Cloud - Compute": -100,
      // 0.004 dollars = 0.4 cents → 0: not created. "Tax" at 0: not created.
    });
  });
});

describe("gcp adapter", () => {
  it("runs a BigQuery job, polls until complete and pages through the rows", async () => {
    const { token: t } = await tenantToken("sync-gcp");
    const requests = stubFetch((req) => {
      if (req.method === "POST") return Response.json(bigQueryResponse([], { jobComplete: false }));
      if (req.url.searchParams.get("pageToken") === "p2") return Response.json(bigQueryResponse([["2026-03-02", "Cloud Storage", "USD", "3.1"]]));
      return Response.json(
        bigQueryResponse(
          [
            ["2026-03-01", "Compute Engine", "USD", "10.004999999"],
            ["2026-03-01", "BigQuery", "USD", "0.015"],
          ],
          { pageToken: "p2" },
        ),
      );
    });
    const res = await sync(t, { provider: "gcp", token: GCP_TOKEN, from: "2026-03-01", to: "2026-03-02", projectId: "my-gcp-project", location: "US" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ status: "completed", itemsCreated: 3 });

    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "POST /bigquery/v2/projects/my-gcp-project/queries",
      "GET /bigquery/v2/projects/my-gcp-project/queries/job_abc",
      "GET /bigquery/v2/projects/my-gcp-project/queries/job_abc",
    ]);
    const query = JSON.parse(requests[0]!.body);
    expect(requests[0]!.headers.get("authorization")).toBe(`Bearer ${GCP_TOKEN}`);
    expect(query).toMatchObject({
      useLegacySql: false,
      parameterMode: "NAMED",
      location: "US",
      queryParameters: [
        { name: "from", parameterType: { type: "TIMESTAMP" }, parameterValue: { value: "2026-03-01 00:00:00+00:00" } },
        { name: "to", parameterType: { type: "TIMESTAMP" }, parameterValue: { value: "2026-03-03 00:00:00+00:00" } },
      ],
    });
    expect(query.query).toContain("FROM `my-gcp-project.billing_export.gcp_billing_export_v1_*`");
    expect(query.query).toContain("UNNEST(credits)");
    expect(requests[1]!.url.searchParams.get("location")).toBe("US");
    expect(requests[2]!.url.searchParams.get("pageToken")).toBe("p2");

    const byRef = Object.fromEntries((await items(t)).map((i) => [i.providerRef, [i.name, i.amount]]));
    expect(byRef).toEqual({
      "gcp:my-gcp-project:2026-03-01:Compute Engine": ["GCP Compute Engine", 1000],
      "gcp:my-gcp-project:2026-03-01:BigQuery": ["GCP BigQuery", 2], // 1.5 cents, half to even
      "gcp:my-gcp-project:2026-03-02:Cloud Storage": ["GCP Cloud Storage", 310],
    });
  });

  it("refuses a table name that is not project.dataset.table", async () => {
    const { token: t } = await tenantToken("sync-gcp-bad");
    const requests = stubFetch(() => Response.json({}));
    for (const table of ["p.d.t`; DROP TABLE x; --", "dataset.table", "my-gcp-project.ds.t t"]) {
      const res = await sync(t, { provider: "gcp", token: GCP_TOKEN, projectId: "my-gcp-project", table });
      expect(res.status).toBe(400);
      expect(res.json.error.details[0].path).toBe("table");
    }
    expect(requests).toHaveLength(0);
  });
});

describe("sync jobs", () => {
  const openaiDay = (value: number) => () => Response.json(openaiPage([{ day: "2026-03-01", results: [{ value, line_item: "gpt-4o", project_id: "p" }] }]));

  it("re-syncs idempotently: nothing new, only revised amounts update, hand edits survive", async () => {
    const { token: t } = await tenantToken("sync-idem");
    stubFetch(() =>
      Response.json(
        openaiPage([
          {
            day: "2026-03-01",
            results: [
              { value: 1, line_item: "a", project_id: "p" },
              { value: 2, line_item: "b", project_id: "p" },
            ],
          },
        ]),
      ),
    );
    const body = { provider: "openai", token: OPENAI_KEY, from: "2026-03-01", to: "2026-03-01" };
    expect((await sync(t, body)).json.data).toMatchObject({ itemsCreated: 2, itemsUpdated: 0, itemsUnchanged: 0 });
    const [itemA] = (await items(t)).filter((i) => i.service === "a");
    await call("PUT", `items/${itemA.id}`, { token: t, body: { name: "Renamed by hand", category: "AI" } });
    expect((await sync(t, body)).json.data).toMatchObject({ itemsCreated: 0, itemsUpdated: 0, itemsUnchanged: 2 });
    expect(await items(t)).toHaveLength(2);

    vi.restoreAllMocks();
    stubFetch(() =>
      Response.json(
        openaiPage([
          {
            day: "2026-03-01",
            results: [
              { value: 1.25, line_item: "a", project_id: "p" },
              { value: 2, line_item: "b", project_id: "p" },
            ],
          },
        ]),
      ),
    );
    expect((await sync(t, body)).json.data).toMatchObject({ itemsCreated: 0, itemsUpdated: 1, itemsUnchanged: 1 });
    const after = (await items(t)).find((i) => i.id === itemA.id);
    expect(after).toMatchObject({ amount: 125, name: "Renamed by hand", category: "AI" });
    expect((await call("GET", "reports/summary", { token: t })).json.data.totalAmount).toBe(325);
  });

  it("lists jobs newest first, filters by provider, and hides other tenants' jobs", async () => {
    const a = await tenantToken("sync-list-a");
    const b = await tenantToken("sync-list-b");
    stubFetch(openaiDay(1));
    const j1 = (await sync(a.token, { provider: "openai", token: OPENAI_KEY, from: "2026-03-01", to: "2026-03-01" })).json.data;
    vi.restoreAllMocks();
    stubFetch(() => Response.json(bigQueryResponse([])));
    const j2 = (await sync(a.token, { provider: "gcp", token: GCP_TOKEN, from: "2026-03-01", to: "2026-03-01", projectId: "my-gcp-project" })).json.data;
    const list = await call("GET", "sync/jobs", { token: a.token });
    expect(list.json.data.map((j: any) => j.id)).toEqual([j2.id, j1.id]);
    expect(list.json.pagination).toMatchObject({ hasMore: false });
    expect((await call("GET", "sync/jobs?provider=openai", { token: a.token })).json.data.map((j: any) => j.id)).toEqual([j1.id]);
    expect((await call("GET", "sync/jobs?provider=azure", { token: a.token })).status).toBe(400);
    expect((await call("GET", `sync/jobs/${j1.id}`, { token: a.token })).json.data).toEqual(j1);
    expect((await call("GET", `sync/jobs/${j1.id}`, { token: b.token })).status).toBe(404);
    expect((await call("GET", "sync/jobs", { token: b.token })).json.data).toEqual([]);
    expect((await call("GET", `sync/jobs/${j1.id}`, { token: await adminToken() })).status).toBe(200);
    expect((await call("GET", "status", { token: a.token })).json.data.totalSyncJobs).toBe(2);
  });

  it("lists the adapters and the options each takes", async () => {
    const { token: t } = await tenantToken("sync-adapters");
    const res = await call("GET", "sync/adapters", { token: t });
    expect(res.json.data.map((a: any) => a.name)).toEqual(["openai", "anthropic", "aws", "gcp"]);
    const gcp = res.json.data.find((a: any) => a.name === "gcp");
    expect(gcp.options).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "projectId", type: "string", required: true }),
        expect.objectContaining({ name: "includeCredits", type: "boolean", required: false, default: true }),
      ]),
    );
    const aws = res.json.data.find((a: any) => a.name === "aws");
    expect(aws.options.find((o: any) => o.name === "metric")).toMatchObject({ default: "UnblendedCost", values: expect.arrayContaining(["AmortizedCost"]) });
    expect(aws.token).toContain("ACCESS_KEY_ID:SECRET_ACCESS_KEY");
  });

  it("allows one running sync per tenant and provider, and takes over an abandoned one", async () => {
    const { tenant, token: t } = await tenantToken("sync-running");
    const insert = (id: string, startedAt: number) =>
      env.DB.prepare(
        "INSERT INTO spend_sync_jobs (id, tenant_id, provider, status, trigger, range_from, range_to, started_at) VALUES (?, ?, 'openai', 'running', 'manual', '2026-03-01', '2026-03-01', ?)",
      )
        .bind(id, tenant, startedAt)
        .run();
    await insert(`run-${tenant}`, Date.now());
    stubFetch(openaiDay(1));
    const body = { provider: "openai", token: OPENAI_KEY, from: "2026-03-01", to: "2026-03-01" };
    const busy = await sync(t, body);
    expect(busy.status).toBe(409);
    expect(busy.json.error.message).toContain("already running");
    // Another provider is not blocked.
    vi.restoreAllMocks();
    stubFetch(() => Response.json(bigQueryResponse([])));
    expect((await sync(t, { provider: "gcp", token: GCP_TOKEN, projectId: "my-gcp-project" })).status).toBe(200);

    await env.DB.prepare("UPDATE spend_sync_jobs SET started_at = ? WHERE id = ?")
      .bind(Date.now() - 16 * 60_000, `run-${tenant}`)
      .run();
    vi.restoreAllMocks();
    stubFetch(openaiDay(1));
    expect((await sync(t, body)).status).toBe(200);
    expect((await call("GET", `sync/jobs/run-${tenant}`, { token: t })).json.data).toMatchObject({
      status: "failed",
      error: expect.stringContaining("Abandoned"),
    });
  });

  it("defaults the range to the last seven days", async () => {
    const { token: t } = await tenantToken("sync-default-range");
    const requests = stubFetch(() => Response.json(openaiPage([])));
    const job = (await sync(t, { provider: "openai", token: OPENAI_KEY })).json.data;
    const today = new Date().toISOString().slice(0, 10);
    expect(job.to).toBe(today);
    expect(Date.parse(job.to) - Date.parse(job.from)).toBe(6 * 86_400_000);
    expect(requests[0]!.url.searchParams.get("start_time")).toBe(String(Date.parse(job.from) / 1000));
  });

  it("rejects bad sync requests with the field path and without echoing the token", async () => {
    const { token: t } = await tenantToken("sync-bad");
    const requests = stubFetch(() => Response.json({}));
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: "azure", token: "x" }, "provider"],
      [{ provider: "openai" }, "token"],
      [{ provider: "openai", token: "" }, "token"],
      [{ provider: "aws", token: "not-a-key-pair-but-secret-ish" }, "token"],
      [{ provider: "openai", token: "k", from: "2026-03-10", to: "2026-03-01" }, "to"],
      [{ provider: "openai", token: "k", from: "2024-01-01", to: "2026-01-01" }, "to"],
      [{ provider: "openai", token: "k", from: "2026-02-30" }, "from"],
      [{ provider: "openai", token: "k", projectId: "p" }, "(root)"],
      [{ provider: "gcp", token: "k" }, "projectId"],
      [{ provider: "aws", token: AWS_TOKEN, metric: "Cheapest" }, "metric"],
    ];
    for (const [body, path] of cases) {
      const res = await sync(t, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        res.json.error.details.map((d: any) => d.path),
        JSON.stringify(body),
      ).toContain(path);
      expect(res.text).not.toContain("not-a-key-pair-but-secret-ish");
    }
    expect(requests).toHaveLength(0);
    expect(
      (
        await call("POST", "sync", {
          token: await tenantToken("sync-bad-read", { scope: "billing:read" }).then((x) => x.token),
          body: { provider: "openai", token: "k" },
        })
      ).status,
    ).toBe(403);
  });
});

describe("provider failures", () => {
  const body = { provider: "openai", token: OPENAI_KEY, from: "2026-03-01", to: "2026-03-02" };

  const failures: [string, () => Response | Promise<Response>, RegExp][] = [
    [
      "401 with the key echoed back",
      () =>
        Response.json(
          { error: { message: `Incorrect API key provided: ${OPENAI_KEY}.`, type: "invalid_request_error", code: "invalid_api_key" } },
          { status: 401 },
        ),
      /HTTP 401: invalid_request_error: Incorrect API key provided: \[redacted\]\. \(check the token and its permissions\)/,
    ],
    [
      "429 with Retry-After",
      () => Response.json({ error: { message: "Rate limit reached" } }, { status: 429, headers: { "retry-after": "30" } }),
      /HTTP 429.*rate limited; retry after 30 s/,
    ],
    ["503", () => new Response("upstream connect error", { status: 503 }), /answered HTTP 503/],
    ["a body that is not JSON", () => new Response("<html>oops</html>", { status: 200 }), /not JSON/],
    [
      "a malformed body",
      () => Response.json({ object: "page", data: [{ start_time: 1, results: [{ amount: { value: "1.00", currency: "usd" } }] }], has_more: false }),
      /unexpected body: data\.0\.results\.0\.amount\.value/,
    ],
    ["a network error", () => Promise.reject(new TypeError("fetch failed")), /network error/],
  ];

  for (const [what, respond, message] of failures) {
    it(`ends the job failed on ${what}, keeps items as they were, and never stores or logs the token`, async () => {
      const { token: t } = await tenantToken("sync-fail");
      const logs = captureLogs();
      stubFetch(() => Response.json(openaiPage([{ day: "2026-03-01", results: [{ value: 5, line_item: "x", project_id: "p" }] }])));
      expect((await sync(t, body)).status).toBe(200);
      vi.mocked(globalThis.fetch).mockImplementation(async () => respond());

      const res = await sync(t, body);
      expect(res.status).toBe(502);
      expect(res.json.error.code).toBe("UPSTREAM_ERROR");
      expect(res.json.error.message).toMatch(message);
      expect(res.json.error.details.job).toMatchObject({ status: "failed", itemsCreated: 0, itemsUpdated: 0 });
      expect(res.json.error.details.job.completedAt).not.toBeNull();
      const stored = (await call("GET", `sync/jobs/${res.json.error.details.job.id}`, { token: t })).json.data;
      expect(stored.error).toMatch(message);
      expect((await items(t)).map((i) => i.amount)).toEqual([500]);

      expect(res.text).not.toContain(OPENAI_KEY);
      expect(await everyStoredRow()).not.toContain(OPENAI_KEY);
      const logged = logs();
      expect(logged).toContain('"msg":"spend sync"');
      expect(logged).not.toContain(OPENAI_KEY);
    });
  }

  it("writes nothing when a later page fails", async () => {
    const { token: t } = await tenantToken("sync-fail-page");
    stubFetch((req) =>
      req.url.searchParams.get("page")
        ? new Response("boom", { status: 500 })
        : Response.json(openaiPage([{ day: "2026-03-01", results: [{ value: 5, line_item: "x", project_id: "p" }] }], "next")),
    );
    const res = await sync(t, body);
    expect(res.status).toBe(502);
    expect(await items(t)).toEqual([]);
  });

  it("keeps credentials of every adapter out of storage and logs", async () => {
    const { token: t } = await tenantToken("sync-secrets");
    const logs = captureLogs();
    const runs: [Record<string, unknown>, () => Response][] = [
      [
        { provider: "anthropic", token: ANTHROPIC_KEY },
        () => Response.json({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${ANTHROPIC_KEY}` } }, { status: 401 }),
      ],
      [
        { provider: "aws", token: AWS_TOKEN },
        () => Response.json({ __type: "UnrecognizedClientException", message: `The security token ${AWS_SECRET} is invalid.` }, { status: 400 }),
      ],
      [
        { provider: "gcp", token: GCP_TOKEN, projectId: "my-gcp-project" },
        () => Response.json({ error: { code: 401, message: `Bad token ${GCP_TOKEN}`, status: "UNAUTHENTICATED" } }, { status: 401 }),
      ],
      [{ provider: "anthropic", token: ANTHROPIC_KEY }, () => Response.json(anthropicPage([{ day: "2026-03-01", results: [{ amount: "100" }] }]))],
      [{ provider: "aws", token: AWS_TOKEN }, () => Response.json(awsPage([{ day: "2026-03-01", groups: [{ service: "EC2", amount: "1" }] }]))],
      [{ provider: "gcp", token: GCP_TOKEN, projectId: "my-gcp-project" }, () => Response.json(bigQueryResponse([["2026-03-01", "GCE", "USD", "1"]]))],
    ];
    for (const [request, respond] of runs) {
      vi.spyOn(globalThis, "fetch").mockImplementation(async () => respond());
      const res = await sync(t, { from: "2026-03-01", to: "2026-03-01", ...request });
      expect([200, 502]).toContain(res.status);
      for (const secret of [ANTHROPIC_KEY, AWS_SECRET, GCP_TOKEN]) expect(res.text).not.toContain(secret);
    }
    const stored = await everyStoredRow();
    const logged = logs();
    expect(logged).toContain('"msg":"request"');
    for (const secret of [ANTHROPIC_KEY, AWS_SECRET, AWS_TOKEN, GCP_TOKEN]) {
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    const jobs = (await call("GET", "sync/jobs", { token: t })).json.data;
    expect(jobs.map((j: any) => j.status)).toEqual(["completed", "completed", "completed", "failed", "failed", "failed"]);
    expect(jobs[3].error).toContain("UNAUTHENTICATED: Bad token [redacted]");
  });
});
