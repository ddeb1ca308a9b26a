import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { estimateInvoice, previewInvoice } from "../../src/invoices/preview";
import { CreatePlan } from "../../src/plans/schemas";
import { createPlan, getPlan, getPlanVersion, updatePlan } from "../../src/plans/service";
import { changePlan, createSubscription, pauseSubscription, type Caller } from "../../src/subscriptions/service";
import { adminToken, call } from "../helpers";

const db = database(env.DB);
const ms = (iso: string) => Date.parse(iso);
const admin: Caller = { owner: null, admin: true, actor: "test" };
const usageLines = (d: { lines: Array<{ kind: string; description: string; amount: number }> }) =>
  d.lines.filter((l) => l.kind === "usage").map((l) => [l.description, l.amount]);

async function record(tenant: string, metric: string, quantity: number, at: string) {
  const r = await env.TENANT_METER.getByName(tenant).record(
    { eventId: crypto.randomUUID(), metric, quantity: String(quantity), timestamp: ms(at), projectId: null, resource: null, costCenterId: null },
    ms(at),
  );
  expect(r.status).toBe("accepted");
}

beforeAll(async () => {
  const plan = (id: string, basePrice: number, unitPrice: string) =>
    createPlan(
      db,
      CreatePlan.parse({ id, name: id, basePrice, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice } }] }),
      ms("2027-01-01T00:00:00Z"),
    );
  await plan("pr-a", 1000, "1");
  await plan("pr-b", 1000, "10");
});

describe("usage is cut at the instant, not the hour", () => {
  it("preview?at= counts only the events before at, even inside the same hour", async () => {
    const tenant = "pr-at";
    await createSubscription(db, env, tenant, { planId: "pr-a" }, "test", ms("2027-03-01T00:00:00Z"));
    await record(tenant, "apiCalls", 3, "2027-03-05T10:10:00Z");
    await record(tenant, "apiCalls", 5, "2027-03-05T10:40:00Z");
    const now = ms("2027-03-06T00:00:00Z");
    const at1020 = await previewInvoice(env, db, tenant, ms("2027-03-05T10:20:00Z"), now);
    expect(usageLines(at1020)).toEqual([["apiCalls: 3 used, 0 included", 3]]);
    const at1040 = await previewInvoice(env, db, tenant, ms("2027-03-05T10:40:00Z"), now);
    expect(usageLines(at1040)).toEqual([["apiCalls: 3 used, 0 included", 3]]);
    const later = await previewInvoice(env, db, tenant, ms("2027-03-05T10:40:00.001Z"), now);
    expect(usageLines(later)).toEqual([["apiCalls: 8 used, 0 included", 8]]);
  });

  it("a plan change at 10:30 prices the 10:10 event at the old plan and the 10:50 one at the new", async () => {
    const tenant = "pr-cut";
    const sub = await createSubscription(db, env, tenant, { planId: "pr-a" }, "test", ms("2027-03-01T00:00:00Z"));
    await record(tenant, "apiCalls", 2, "2027-03-05T10:10:00Z");
    await changePlan(env, db, admin, sub.id, { planId: "pr-b", prorate: false }, ms("2027-03-05T10:30:00Z"));
    await record(tenant, "apiCalls", 4, "2027-03-05T10:50:00Z");
    // Backdated into the old plan's part of the hour after the change: still the old plan's.
    await record(tenant, "apiCalls", 1, "2027-03-05T10:20:00Z");
    const preview = await previewInvoice(env, db, tenant, ms("2027-04-01T00:00:00Z"), ms("2027-03-06T00:00:00Z"));
    expect(usageLines(preview)).toEqual([
      ["apiCalls: 3 used, 0 included (pr-a, 2027-03-01 – 2027-03-05)", 3],
      ["apiCalls: 4 used, 0 included (pr-b, 2027-03-05 – 2027-04-01)", 40],
    ]);
  });

  it("an ended period not yet invoiced is priced at that period's plan, not the current one", async () => {
    const tenant = "pr-ended";
    const sub = await createSubscription(db, env, tenant, { planId: "pr-a" }, "test", ms("2027-03-01T00:00:00Z"));
    await record(tenant, "apiCalls", 6, "2027-03-10T00:00:00Z");
    await changePlan(env, db, admin, sub.id, { planId: "pr-b", at: "period_end" }, ms("2027-03-20T00:00:00Z"));
    // April 2: March has rolled over (onto pr-b) but has no invoice yet.
    const march = await previewInvoice(env, db, tenant, ms("2027-04-01T00:00:00Z"), ms("2027-04-02T00:00:00Z"));
    expect(march.periodStart).toBe(ms("2027-03-01T00:00:00Z"));
    expect(usageLines(march)).toEqual([["apiCalls: 6 used, 0 included", 6]]);
  });
});

describe("the estimate", () => {
  it("answers the figure so far until a tenth of the period has passed, then projects linearly", async () => {
    const tenant = "pr-estimate";
    await createSubscription(db, env, tenant, { planId: "pr-a" }, "test", ms("2027-04-01T00:00:00Z"));
    await record(tenant, "apiCalls", 5, "2027-04-01T00:00:05Z");
    const early = await estimateInvoice(env, db, tenant, ms("2027-04-01T00:00:10Z"));
    expect(early.meters[0]).toMatchObject({ projectedBillable: "5", projectedAmount: { amount: 5 } });
    // 3 of 30 days gone: ×10.
    const later = await estimateInvoice(env, db, tenant, ms("2027-04-04T00:00:00Z"));
    expect(later.meters[0]).toMatchObject({ projectedBillable: "50", projectedAmount: { amount: 50 } });
  });

  it("counts a scheduled resume: the fee from the resume on, and usage over the time that will bill", async () => {
    const tenant = "pr-estimate-resume";
    const sub = await createSubscription(db, env, tenant, { planId: "pr-a" }, "test", ms("2027-04-01T00:00:00Z"));
    await record(tenant, "apiCalls", 10, "2027-04-03T00:00:00Z");
    await pauseSubscription(env, db, admin, sub.id, { resumesAt: ms("2027-04-21T00:00:00Z") }, ms("2027-04-06T00:00:00Z"));
    const estimate = await estimateInvoice(env, db, tenant, ms("2027-04-10T00:00:00Z"));
    // Active 5 days so far; 5 + 10 days by the end: the base fee is 15/30 of 1000, usage ×3.
    expect(estimate.projected.lines.filter((l) => l.kind === "base").map((l) => l.amount.amount)).toEqual([167, 333]);
    expect(estimate.meters[0]).toMatchObject({ billableSoFar: "10", projectedBillable: "30" });
    // As things stand now (no resume assumed), the preview bills the 5 active days.
    expect(estimate.current.lines.filter((l) => l.kind === "base").map((l) => l.amount.amount)).toEqual([167]);
  });
});

describe("plan versions through the API", () => {
  it("a partial PUT keeps what it does not name and writes a new version; old versions stay readable", async () => {
    const t = await adminToken();
    const created = await call("POST", "plans", {
      token: t,
      body: { id: "pr-put", name: "Put", description: "Kept", basePrice: 1500, trialDays: 7, meters: [{ metric: "apiCalls", limit: 100 }] },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const renamed = await call("PUT", "plans/pr-put", { token: t, body: { name: "Renamed" } });
    expect(renamed.json.data).toMatchObject({
      name: "Renamed",
      description: "Kept",
      trialDays: 7,
      basePrice: 1500,
      version: 2,
      meters: [{ metric: "apiCalls", limit: 100 }],
    });
    const retired = await call("PUT", "plans/pr-put", { token: t, body: { active: false } });
    expect(retired.json.data).toMatchObject({ active: false, version: 2 });
    const v1 = await call("GET", "plans/pr-put?version=1", { token: t });
    expect(v1.json.data).toMatchObject({ name: "Put", version: 1, description: "Kept" });
    expect((await call("GET", "plans/pr-put?version=9", { token: t })).status).toBe(404);
    expect((await getPlanVersion(db, "pr-put", 1)).name).toBe("Put");
    expect((await getPlan(db, "pr-put")).name).toBe("Renamed");
    // Nothing changed: no new version.
    expect((await updatePlan(db, "pr-put", { name: "Renamed" }, Date.now())).version).toBe(2);
  });

  it("migrating now cuts the period: the old version's fee and prices up to the migration, the new after", async () => {
    const tenant = "pr-migrate";
    await createPlan(
      db,
      CreatePlan.parse({ id: "pr-mig", name: "Mig", basePrice: 3000, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "1" } }] }),
      ms("2027-01-01T00:00:00Z"),
    );
    await createSubscription(db, env, tenant, { planId: "pr-mig" }, "test", ms("2027-06-01T00:00:00Z"));
    await record(tenant, "apiCalls", 10, "2027-06-05T00:00:00Z");
    await updatePlan(
      db,
      "pr-mig",
      { basePrice: 6000, meters: [CreatePlan.shape.meters.parse([{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "2" } }])[0]!] },
      ms("2027-06-10T00:00:00Z"),
    );
    const t = await adminToken();
    const before = await previewInvoice(env, db, tenant, ms("2027-07-01T00:00:00Z"), ms("2027-06-11T00:00:00Z"));
    expect(before.totals.subtotal).toBe(3000 + 10);
    const { migrateSubscriptions } = await import("../../src/subscriptions/service");
    const moved = await migrateSubscriptions(env, db, "pr-mig", { fromVersion: 1, at: "now" }, ms("2027-06-16T00:00:00Z"));
    expect(moved).toMatchObject({ fromVersion: 1, toVersion: 2, subscriptions: [expect.any(String)] });
    await record(tenant, "apiCalls", 10, "2027-06-20T00:00:00Z");
    const after = await previewInvoice(env, db, tenant, ms("2027-07-01T00:00:00Z"), ms("2027-06-21T00:00:00Z"));
    // 15 of 30 days of each version's fee; 10 calls at 1¢ then 10 at 2¢.
    expect(after.lines.map((l) => [l.kind, l.amount])).toEqual([
      ["base", 1500],
      ["base", 3000],
      ["usage", 10],
      ["usage", 20],
    ]);
    expect((await call("POST", "plans/pr-mig/migrate", { token: t, body: { fromVersion: 2 } })).status).toBe(409);
    expect((await call("POST", "plans/pr-mig/migrate", { token: t, body: { fromVersion: 0 } })).status).toBe(400);
  });
});
