import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { generateInvoice } from "../../src/invoices/generate";
import { markInvoicePaid } from "../../src/invoices/lifecycle";
import { invoices } from "../../src/invoices/table";
import { outbox } from "../../src/outbox/table";
import { emitTrialReminders } from "../../src/subscriptions/trial-reminders";
import { EVENT_TYPES } from "../../src/webhooks";
import { ensurePlan } from "../subscriptions/fixtures";
import { insertDraft } from "../invoices/fixtures";
import { adminToken, call, token } from "../helpers";
import { db } from "./support";

const DAY = 86_400_000;
const eventsOf = async (tenant: string, type?: string) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.tenantId, tenant), eq(outbox.kind, "event"), type ? eq(outbox.type, type) : undefined));

describe("the event catalog", () => {
  it("documents every event with its payload in the OpenAPI document's webhooks", async () => {
    const spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
    expect(Object.keys(spec.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const paid = spec.webhooks["invoice.paid"].post;
    expect(paid.parameters.map((p: { name: string }) => p.name)).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    const schema = paid.requestBody.content["application/json"].schema;
    expect(schema.properties.type).toMatchObject({ enum: ["invoice.paid"] });
    expect(schema.properties.data.properties.invoice).toBeDefined();
  });
});

describe("invoice events", () => {
  it("finalized with its number, paid once however often the payment is reported, voided", async () => {
    const tenant = "wh-inv";
    const t = await token({ tenant });
    const id = await insertDraft(tenant);
    const finalized = await call("POST", `invoices/${id}/finalize`, { token: t });
    expect(finalized.status).toBe(200);
    const [event] = await eventsOf(tenant, "invoice.finalized");
    expect(event!.payload).toMatchObject({
      invoice: { id, tenantId: tenant, status: "open", number: finalized.json.data.number, total: 2000, amountDue: 2000, currency: "USD", paidAt: null },
    });
    expect((event!.payload as any).invoice.finalizedAt).toBe(finalized.json.data.finalizedAt ?? (event!.payload as any).invoice.finalizedAt);
    expect(await eventsOf(tenant, "invoice.paid")).toHaveLength(0);

    const row = (await db.select().from(invoices).where(eq(invoices.id, id)).get())!;
    expect(await markInvoicePaid(db, row, Date.now(), "pi_1")).toBe(true);
    expect(await markInvoicePaid(db, row, Date.now(), "pi_1")).toBe(false);
    const paid = await eventsOf(tenant, "invoice.paid");
    expect(paid).toHaveLength(1);
    expect(paid[0]!.payload).toMatchObject({ invoice: { id, status: "paid" } });

    const other = await insertDraft(tenant);
    await call("POST", `invoices/${other}/finalize`, { token: t });
    expect((await call("POST", `invoices/${other}/void`, { token: t })).status).toBe(200);
    expect((await call("POST", `invoices/${other}/void`, { token: t })).status).toBe(409);
    const voided = await eventsOf(tenant, "invoice.voided");
    expect(voided.map((e) => (e.payload as any).invoice)).toEqual([expect.objectContaining({ id: other, status: "void" })]);
  });

  it("invoice.created when a closed period is drafted, once however often it is generated", async () => {
    const tenant = "wh-inv-gen";
    await ensurePlan({ id: "wh-gen-plan", basePrice: 1500 });
    const t = await token({ tenant });
    const sub = (await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-gen-plan", trial: false } })).json.data;
    const end = Date.parse(sub.currentPeriodEnd);
    const principal = { sub: "user-1", tenant, scopes: new Set(["billing:update"]) };
    const first = await generateInvoice(env, db, principal, tenant, {}, end + 1000);
    const again = await generateInvoice(env, db, principal, tenant, {}, end + 2000);
    expect(again).toEqual({ id: first.id, created: false });
    const events = await eventsOf(tenant, "invoice.created");
    expect(events.map((e) => e.payload)).toEqual([
      { invoice: expect.objectContaining({ id: first.id, status: "draft", number: null, subtotal: 1500, currency: "USD", periodEnd: sub.currentPeriodEnd }) },
    ]);
  });

  it("a draft with nothing due is finalized and paid in one go", async () => {
    const tenant = "wh-inv-zero";
    const id = await insertDraft(tenant, { amount: 0 });
    expect((await call("POST", `invoices/${id}/finalize`, { token: await token({ tenant }) })).status).toBe(200);
    expect((await eventsOf(tenant)).map((e) => e.type).sort()).toEqual(["invoice.finalized", "invoice.paid"]);
  });
});

describe("usage and subscription events", () => {
  it("quota.exceeded once per quota and period, however many refusals", async () => {
    const tenant = "wh-quota";
    await ensurePlan({ id: "wh-quota-plan", basePrice: 0, meters: [{ metric: "apiCalls", limit: 3 }] as never });
    const t = await token({ tenant });
    expect((await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-quota-plan", trial: false } })).status).toBe(201);
    const use = async () =>
      (await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: crypto.randomUUID(), metric: "apiCalls", quantity: 2 } })).status;
    expect(await use()).toBe(200);
    expect(await use()).toBe(402);
    expect(await use()).toBe(402);
    const batch = await call("POST", `tenants/${tenant}/usage/batch`, {
      token: t,
      body: { events: [{ eventId: crypto.randomUUID(), metric: "apiCalls", quantity: 5 }] },
    });
    expect([200, 202]).toContain(batch.status);
    const events = await eventsOf(tenant, "quota.exceeded");
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ quota: { metric: "apiCalls", limit: 3, current: 2 }, projectId: null });
  });

  it("subscription.trial_will_end three days before the trial ends, once", async () => {
    const tenant = "wh-trial";
    await ensurePlan({ id: "wh-trial-plan", basePrice: 900, trialDays: 14 });
    const t = await token({ tenant });
    const created = await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-trial-plan" } });
    expect(created.json.data.status).toBe("trialing");
    const trialEnd = Date.parse(created.json.data.trialEnd);
    await emitTrialReminders(db, trialEnd - 4 * DAY);
    expect(await eventsOf(tenant, "subscription.trial_will_end")).toHaveLength(0);
    await emitTrialReminders(db, trialEnd - 3 * DAY + 60_000);
    await emitTrialReminders(db, trialEnd - 2 * DAY);
    const events = await eventsOf(tenant, "subscription.trial_will_end");
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ subscription: { id: created.json.data.id, status: "trialing" }, trialEnd: created.json.data.trialEnd });
  });

  it("subscription.created / updated / canceled carry the subscription and what changed", async () => {
    const tenant = "wh-sub";
    await ensurePlan({ id: "wh-sub-plan", basePrice: 900 });
    await ensurePlan({ id: "wh-sub-plan-2", basePrice: 1900 });
    const t = await token({ tenant });
    const id = (await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-sub-plan", trial: false } })).json.data.id;
    expect((await call("POST", `subscriptions/${id}/change-plan`, { token: t, body: { planId: "wh-sub-plan-2" } })).status).toBe(200);
    expect((await call("POST", `subscriptions/${id}/cancel`, { token: t, body: {} })).status).toBe(200);
    expect((await call("POST", `subscriptions/${id}/cancel`, { token: t, body: { atPeriodEnd: false } })).status).toBe(200);
    const events = (await eventsOf(tenant)).sort((a, b) => a.seq - b.seq);
    expect(events.map((e) => e.type)).toEqual(["subscription.created", "subscription.updated", "subscription.updated", "subscription.canceled"]);
    expect(events[1]!.payload).toMatchObject({ subscription: { planId: "wh-sub-plan-2" }, previousAttributes: { planId: "wh-sub-plan" } });
    expect(events[2]!.payload).toMatchObject({ subscription: { cancelAtPeriodEnd: true }, previousAttributes: { cancelAtPeriodEnd: false } });
    expect(events[3]!.payload).toMatchObject({ subscription: { id, status: "canceled" } });
  });
});

describe("credit events", () => {
  it("credits.balance_low when an invoice leaves less than 10 % of the credit granted", async () => {
    const tenant = "wh-credits";
    await ensurePlan({ id: "wh-credit-plan", basePrice: 0 });
    const t = await token({ tenant });
    const sub = (await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-credit-plan", trial: false } })).json.data;
    const admin = await adminToken();
    expect((await call("POST", `subscriptions/${sub.id}/credits`, { token: admin, body: { amount: 2500, currency: "USD", reason: "goodwill" } })).status).toBe(
      201,
    );
    // Credits pay invoices of periods that end after they were granted.
    const period = { periodStart: Date.now() - 86_400_000, periodEnd: Date.now() + 86_400_000 };
    const first = await insertDraft(tenant, period); // 2000 due: 500 left, over the 250 threshold
    expect((await call("POST", `invoices/${first}/finalize`, { token: t })).json.data.creditsApplied.amount).toBe(2000);
    expect(await eventsOf(tenant, "credits.balance_low")).toHaveLength(0);
    const second = await insertDraft(tenant, period);
    expect((await call("POST", `invoices/${second}/finalize`, { token: t })).json.data.creditsApplied.amount).toBe(500);
    const events = await eventsOf(tenant, "credits.balance_low");
    expect(events.map((e) => e.payload)).toEqual([{ currency: "USD", balance: 0, threshold: 250 }]);
  });
});

describe("spend sync events", () => {
  it("a sync that could not start is recorded with spend.sync.failed", async () => {
    const { recordFailedJob } = await import("../../src/spend/sync/service");
    const job = await recordFailedJob(
      db,
      { tenantId: "wh-spend", provider: "openai", from: "2026-11-01", to: "2026-11-02", options: {}, trigger: "scheduled", requestedBy: "cron" },
      "secret OPENAI_KEY is not set",
      Date.now(),
    );
    const [event] = await eventsOf("wh-spend", "spend.sync.failed");
    expect(event!.payload).toMatchObject({ job: { id: job.id, provider: "openai", status: "failed", error: "secret OPENAI_KEY is not set" } });
  });
});
