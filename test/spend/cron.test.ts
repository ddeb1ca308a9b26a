import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runScheduled } from "../../src/cron";
import { parseSources } from "../../src/spend/sync/scheduled";
import { call, token } from "../helpers";
import { awsPage, openaiPage, stubFetch, uniqueTenant } from "./fixtures";

afterEach(() => vi.restoreAllMocks());

/** Silences console output and hands back what was written. */
function captureLogs() {
  const spies = (["log", "warn", "error"] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  return () => spies.flatMap((spy) => spy.mock.calls.map((args) => args.join(" "))).join("\n");
}

const HOUR = "0 * * * *";
const at = Date.UTC(2026, 2, 10, 7, 0, 0); // 2026-03-10 07:00 UTC

async function tick(vars: Record<string, unknown>, cron = HOUR, scheduledTime = at) {
  await runScheduled(createScheduledController({ cron, scheduledTime }), { ...env, ...vars } as typeof env, createExecutionContext());
}

const jobs = async (tenant: string) => (await call("GET", "sync/jobs", { token: await token({ tenant, scope: "billing:read" }) })).json.data as any[];

describe("scheduled spend sync", () => {
  it("syncs every configured source over its last days, idempotently, hour after hour", async () => {
    const logs = captureLogs();
    const openaiTenant = uniqueTenant("cron-openai");
    const awsTenant = uniqueTenant("cron-aws");
    const requests = stubFetch((req) =>
      req.url.hostname === "api.openai.com"
        ? Response.json(openaiPage([{ day: "2026-03-09", results: [{ value: 4.2, line_item: "gpt-4o", project_id: "p" }] }]))
        : Response.json(awsPage([{ day: "2026-03-10", groups: [{ service: "Amazon EC2", amount: "7.5" }] }])),
    );
    const vars = {
      SPEND_SYNC_SOURCES: JSON.stringify([
        { tenant: openaiTenant, provider: "openai", secret: "OPENAI_ADMIN_KEY" },
        { tenant: awsTenant, provider: "aws", secret: "AWS_COST_KEYS", options: { accountId: "123456789012" }, days: 5 },
      ]),
      OPENAI_ADMIN_KEY: "sk-admin-cron-secret",
      AWS_COST_KEYS: "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };
    await tick(vars);
    const [openaiJob] = await jobs(openaiTenant);
    expect(openaiJob).toMatchObject({
      provider: "openai",
      status: "completed",
      trigger: "scheduled",
      requestedBy: "scheduler",
      from: "2026-03-08",
      to: "2026-03-10",
      itemsCreated: 1,
    });
    const [awsJob] = await jobs(awsTenant);
    expect(awsJob).toMatchObject({
      provider: "aws",
      status: "completed",
      from: "2026-03-06",
      to: "2026-03-10",
      itemsCreated: 1,
      options: { accountId: "123456789012" },
    });
    expect(requests.find((r) => r.url.hostname === "api.openai.com")!.headers.get("authorization")).toBe("Bearer sk-admin-cron-secret");

    await tick(vars, HOUR, at + 3_600_000);
    const [again] = await jobs(openaiTenant);
    expect(again).toMatchObject({ status: "completed", itemsCreated: 0, itemsUpdated: 0, itemsUnchanged: 1 });
    const items = await call("GET", "items", { token: await token({ tenant: openaiTenant, scope: "billing:read" }) });
    expect(items.json.data).toEqual([expect.objectContaining({ amount: 420, author: "scheduler", providerRef: "openai:p:2026-03-09:gpt-4o" })]);
    expect(logs()).not.toContain("sk-admin-cron-secret");
  });

  it("records why a source could not run", async () => {
    const missing = uniqueTenant("cron-missing");
    const invalid = uniqueTenant("cron-invalid");
    const requests = stubFetch(() => Response.json({}));
    await tick({
      SPEND_SYNC_SOURCES: JSON.stringify([
        { tenant: missing, provider: "anthropic", secret: "NOT_SET_ANYWHERE" },
        { tenant: invalid, provider: "gcp", secret: "GCP_TOKEN", options: { projectId: "Bad Project!" } },
      ]),
      GCP_TOKEN: "ya29.cron-token",
    });
    expect((await jobs(missing))[0]).toMatchObject({ status: "failed", error: "Secret NOT_SET_ANYWHERE is not set", trigger: "scheduled" });
    expect((await jobs(invalid))[0]).toMatchObject({ status: "failed", error: expect.stringContaining("Invalid configuration: projectId") });
    expect(requests).toHaveLength(0);
  });

  it("does nothing on other schedules or without sources, and survives a broken configuration", async () => {
    const tenant = uniqueTenant("cron-other");
    const logs = captureLogs();
    const requests = stubFetch(() => Response.json(openaiPage([])));
    const sources = JSON.stringify([{ tenant, provider: "openai", secret: "K" }]);
    await tick({ SPEND_SYNC_SOURCES: sources, K: "sk" }, "15 0 * * *");
    await tick({ SPEND_SYNC_SOURCES: "" });
    await tick({ SPEND_SYNC_SOURCES: "{not json" });
    await tick({ SPEND_SYNC_SOURCES: JSON.stringify([{ tenant, provider: "azure", secret: "K" }]) });
    expect(requests).toHaveLength(0);
    expect(await jobs(tenant)).toEqual([]);
    expect(logs()).toContain("SPEND_SYNC_SOURCES is not valid JSON");
  });

  it("validates the configuration", () => {
    expect(parseSources(undefined)).toEqual([]);
    expect(parseSources('[{"tenant":"acme","provider":"gcp","secret":"GCP_TOKEN","options":{"projectId":"my-gcp-project"}}]')).toEqual([
      { tenant: "acme", provider: "gcp", secret: "GCP_TOKEN", options: { projectId: "my-gcp-project" }, days: 3 },
    ]);
    expect(() => parseSources('[{"tenant":"acme","provider":"gcp","secret":"GCP_TOKEN","days":90}]')).toThrow(/SPEND_SYNC_SOURCES\[0\.days\]/);
    expect(() => parseSources('[{"tenant":"acme","provider":"gcp","secret":"GCP_TOKEN","token":"inline"}]')).toThrow(/SPEND_SYNC_SOURCES/);
  });
});
