import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createCoupon } from "../../src/coupons";
import { CreateCoupon } from "../../src/coupons/schemas";
import { addCredits } from "../../src/subscriptions/credits";
import { database } from "../../src/db/client";
import { draftView } from "../../src/invoices/preview";
import { previewInvoice } from "../../src/invoices/preview";
import { closePeriods } from "../../src/invoices/period-close";
import { loadInvoice, toInvoice } from "../../src/invoices/store";
import { invoices } from "../../src/invoices/table";
import { CreatePlan, UpdatePlan } from "../../src/plans/schemas";
import { createPlan, updatePlan } from "../../src/plans/service";
import {
  cancelSubscription,
  changePlan,
  createSubscription,
  migrateSubscriptions,
  pauseSubscription,
  resumeSubscription,
  type Caller,
} from "../../src/subscriptions/service";
import { updateTenant } from "../../src/tenants/service";
import { eq } from "drizzle-orm";

/**
 * The golden scenario runner: a tenant, plans, a list of actions at given instants, and the
 * exact lines of every invoice at the end. Time is passed to the services explicitly (the
 * clock they receive), usage goes through the tenant's real TenantMeter, invoices are
 * generated and finalized by the real period close. Before each close, `preview?at=<period
 * end>` is taken and must equal the finalized invoice line by line.
 *
 * Instants are UTC ISO strings; scenarios live in 2027-2028 so that no retention job running
 * on the real clock touches their data.
 */
export type Step =
  | { at: string; subscribe: { plan: string; key?: string; projectId?: string; trial?: boolean; coupon?: string } }
  | { at: string; usage: { metric: string; quantity: number; projectId?: string; id?: string } }
  | { at: string; changePlan: { plan: string; key?: string; prorate?: boolean; when?: "now" | "period_end" } }
  | { at: string; cancel: { key?: string; atPeriodEnd?: boolean; prorate?: boolean } }
  | { at: string; pause: { key?: string; resumesAt?: string } }
  | { at: string; resume: { key?: string } }
  | { at: string; credit: { key?: string; amount: number; expiresAt?: string } }
  | { at: string; editPlan: { plan: string; patch: UpdatePlan } }
  | { at: string; migrate: { plan: string; fromVersion: number; when: "now" | "period_end" } }
  | { at: string; close: true };

/** An invoice line as a scenario states it: [kind, description, amount in minor units]. */
export type Line = [string, string, number];

export interface ExpectedInvoice {
  /** Which subscription (its `key`, default "main") and which of its periods (start instant). */
  key?: string;
  periodStart: string;
  lines: Line[];
  subtotal?: number;
  tax?: number;
  total: number;
  creditsApplied?: number;
  amountDue?: number;
}

export interface Scenario {
  name: string;
  covers: string;
  tenant: string;
  currency?: string;
  taxRateBps?: number;
  plans: Array<Partial<CreatePlan> & { id: string; basePrice: number }>;
  coupons?: Array<Partial<CreateCoupon> & { code: string }>;
  steps: Step[];
  invoices: ExpectedInvoice[];
}

const db = database(env.DB);
const ms = (iso: string) => Date.parse(iso);
const admin: Caller = { owner: null, admin: true, actor: "scenario" };

export async function runScenario(s: Scenario): Promise<void> {
  for (const p of s.plans) await createPlan(db, CreatePlan.parse({ name: p.id, currency: s.currency ?? "USD", ...p }), ms("2027-01-01T00:00:00Z"));
  for (const c of s.coupons ?? []) await createCoupon(db, CreateCoupon.parse(c), ms("2027-01-01T00:00:00Z"));
  if (s.taxRateBps !== undefined || s.currency) {
    await updateTenant(env, db, s.tenant, { taxRateBps: s.taxRateBps ?? 0, ...(s.currency ? { currency: s.currency } : {}) }, ms("2027-01-01T00:00:00Z"));
  }
  const subs = new Map<string, string>();
  const subId = (key = "main") => {
    const id = subs.get(key);
    if (!id) throw new Error(`scenario ${s.name}: no subscription "${key}"`);
    return id;
  };
  const meter = env.TENANT_METER.getByName(s.tenant);
  let n = 0;
  const previews = new Map<string, ReturnType<typeof draftView>>();

  for (const step of s.steps) {
    const now = ms(step.at);
    if ("subscribe" in step) {
      const { plan, key = "main", projectId, trial, coupon } = step.subscribe;
      const sub = await createSubscription(db, env, s.tenant, { planId: plan, projectId, trial: trial ?? false, couponCode: coupon }, "scenario", now);
      subs.set(key, sub.id);
    } else if ("usage" in step) {
      const u = step.usage;
      const result = await meter.record(
        {
          eventId: u.id ?? `${s.tenant}-${n++}`,
          metric: u.metric,
          quantity: String(u.quantity),
          timestamp: now,
          projectId: u.projectId ?? null,
          resource: null,
          costCenterId: null,
        },
        now,
      );
      expect(result.status, `${s.name}: usage at ${step.at}`).toBe("accepted");
    } else if ("changePlan" in step) {
      const c = step.changePlan;
      await changePlan(env, db, admin, subId(c.key), { planId: c.plan, prorate: c.prorate, at: c.when }, now);
    } else if ("cancel" in step) {
      const c = step.cancel;
      await cancelSubscription(db, env, admin, subId(c.key), { atPeriodEnd: c.atPeriodEnd, prorate: c.prorate }, now);
    } else if ("pause" in step) {
      await pauseSubscription(env, db, admin, subId(step.pause.key), { resumesAt: step.pause.resumesAt ? ms(step.pause.resumesAt) : undefined }, now);
    } else if ("resume" in step) {
      await resumeSubscription(env, db, admin, subId(step.resume.key), now);
    } else if ("credit" in step) {
      const c = step.credit;
      await addCredits(env, db, subId(c.key), { amount: c.amount, reason: "scenario", expiresAt: c.expiresAt ? ms(c.expiresAt) : undefined }, "scenario", now);
    } else if ("editPlan" in step) {
      await updatePlan(db, step.editPlan.plan, UpdatePlan.parse(step.editPlan.patch), now);
    } else if ("migrate" in step) {
      const m = step.migrate;
      await migrateSubscriptions(env, db, m.plan, { fromVersion: m.fromVersion, at: m.when }, now);
    } else {
      // Just before the close: the preview of the tenant-wide period ending now, to compare.
      const preview = await previewInvoice(env, db, s.tenant, now, now - 1).catch(() => null);
      if (preview) previews.set(`${preview.subscriptionId}:${preview.periodStart}`, draftView(preview));
      await closePeriods(env, now + 60_000, 0);
    }
  }

  // Later scenarios run the (global) period close further in time: end this one's subscriptions.
  const last = ms(s.steps.at(-1)!.at) + 120_000;
  for (const id of subs.values()) await cancelSubscription(db, env, admin, id, { atPeriodEnd: false }, last).catch(() => undefined);

  const keyOf = new Map([...subs].map(([k, id]) => [id, k]));
  const issued = (await db.select().from(invoices).where(eq(invoices.tenantId, s.tenant))).filter((r) => r.status !== "draft");
  const principal = { sub: "scenario", tenant: s.tenant, scopes: new Set(["admin"]) } as const;
  const actual = await Promise.all(
    issued.map(async (row) => ({ key: keyOf.get(row.subscriptionId!) ?? "?", invoice: toInvoice(await loadInvoice(db, row.id, principal)) })),
  );
  const summary = (inv: (typeof actual)[number]["invoice"]) => ({
    periodStart: inv.periodStart,
    lines: inv.lines.map((l) => [l.kind, l.description, l.amount.amount] as Line),
    total: inv.total.amount,
  });

  for (const want of s.invoices) {
    const found = actual.find((a) => a.key === (want.key ?? "main") && a.invoice.periodStart === new Date(want.periodStart).toISOString());
    const context = `${s.name}: invoice of ${want.key ?? "main"} for the period from ${want.periodStart}; issued: ${JSON.stringify(
      actual.map((a) => ({ key: a.key, ...summary(a.invoice) })),
      null,
      1,
    )}`;
    expect(found, context).toBeDefined();
    const inv = found!.invoice;
    expect(inv.status, context).not.toBe("draft");
    expect(summary(inv), context).toEqual({ periodStart: new Date(want.periodStart).toISOString(), lines: want.lines, total: want.total });
    if (want.subtotal !== undefined) expect(inv.subtotal.amount, context).toBe(want.subtotal);
    if (want.tax !== undefined) expect(inv.tax.amount, context).toBe(want.tax);
    if (want.creditsApplied !== undefined) expect(inv.creditsApplied.amount, context).toBe(want.creditsApplied);
    if (want.amountDue !== undefined) expect(inv.amountDue.amount, context).toBe(want.amountDue);
    // Parts add up to the whole, and nothing is ever negative.
    expect(inv.lines.reduce((t, l) => t + l.amount.amount, 0) + inv.tax.amount, context).toBe(
      inv.total.amount + (inv.subtotal.amount < 0 ? -inv.subtotal.amount : 0),
    );
    expect(inv.total.amount, context).toBeGreaterThanOrEqual(0);

    const preview = previews.get(`${inv.subscriptionId}:${Date.parse(inv.periodStart)}`);
    if (preview) {
      const strip = (ls: Array<Record<string, unknown>>) => ls.map(({ id: _id, ...rest }) => rest);
      expect(strip(preview.lines), `${context}: preview?at=<period end>`).toEqual(strip(inv.lines as never));
      for (const k of ["subtotal", "discounts", "tax", "total", "creditsApplied", "amountDue"] as const) {
        expect(preview[k], `${context}: preview ${k}`).toEqual(inv[k]);
      }
    }
  }
  expect(
    actual.length,
    `${s.name}: every issued invoice is expected: ${JSON.stringify(
      actual.map((a) => ({ key: a.key, ...summary(a.invoice) })),
      null,
      1,
    )}`,
  ).toBe(s.invoices.length);
}
