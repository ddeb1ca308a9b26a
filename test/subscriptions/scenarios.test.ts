import { env as realEnv } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { pushPlanState } from "../../src/metering/plan-state";
import { beforeAll, describe, expect, it } from "vitest";
import { openPeriod, periodBaseFee, type BillablePeriod } from "../../src/subscriptions/billing";
import { findSubscription } from "../../src/subscriptions/queries";
import { advanceSubscriptions, listPeriodsToInvoice } from "../../src/subscriptions/rollover";
import { periodSegments } from "../../src/subscriptions/segments";
import {
  cancelSubscription,
  changePlan,
  createSubscription,
  getSubscription,
  pauseSubscription,
  reactivateSubscription,
  resumeSubscription,
} from "../../src/subscriptions/service";
import { subscriptionPeriods, subscriptionPhases } from "../../src/subscriptions/table";
import { at, DAY, db, recordingEnv, standardPlans, tenantCaller } from "./fixtures";
import type { Bindings } from "../../src/env";

const sum = (xs: Array<{ amount: number }>) => xs.reduce((s, x) => s + x.amount, 0);
const APRIL = at("2026-04-01T00:00:00Z");
const MAY = at("2026-05-01T00:00:00Z");

beforeAll(standardPlans);

/** A subscription on `planId` started (and created) at `start`, no trial. */
async function subscribe(tenant: string, planId: string, start = APRIL, extra: { trial?: boolean } = { trial: false }) {
  const { env, pushes } = recordingEnv();
  const sub = await createSubscription(db, env, tenant, { planId, ...extra }, "user-1", start);
  return { sub, env, pushes, caller: tenantCaller(tenant) };
}

/** The base fee lines of a period of the subscription, from its segments. */
async function baseFee(period: BillablePeriod) {
  const row = (await findSubscription(db, period.subscriptionId))!;
  return periodBaseFee(db, period, await periodSegments(db, row, period));
}

async function phases(subscriptionId: string) {
  const rows = await db.select().from(subscriptionPhases).where(eq(subscriptionPhases.subscriptionId, subscriptionId)).orderBy(subscriptionPhases.seq);
  return rows.map((p) => [p.state, p.startsAt, p.feePlanId]);
}

async function closedPeriods(subscriptionId: string) {
  return db.select().from(subscriptionPeriods).where(eq(subscriptionPeriods.subscriptionId, subscriptionId)).orderBy(subscriptionPeriods.periodStart);
}

/**
 * The hourly cron's roll-over (advanceSubscriptions) run at `now` for the subscription's tenant:
 * the period it closed and the subscription after it, or null when nothing was due.
 */
async function rollOver(env: Bindings, sub: { id: string; tenantId: string }, now: number) {
  const before = (await closedPeriods(sub.id)).length;
  await advanceSubscriptions(env, db, now, (tenant) => sql`${tenant} = ${sub.tenantId}`);
  const periods = await closedPeriods(sub.id);
  if (periods.length === before) return null;
  expect(periods.length).toBe(before + 1);
  return { closedPeriod: periods.at(-1)!, subscription: (await findSubscription(db, sub.id))! };
}

describe("upgrade mid-period", () => {
  it("$29 → $99 on day 10 of a 30-day period: credits $20.30, charges $69.30, April costs $78.00", async () => {
    const { sub, env, caller } = await subscribe("scn-upgrade", "basic-29");
    expect(sub).toMatchObject({ status: "active", currentPeriodStart: "2026-04-01T00:00:00.000Z", currentPeriodEnd: "2026-05-01T00:00:00.000Z" });

    const day10 = APRIL + 9 * DAY;
    const changed = await changePlan(env, db, caller, sub.id, { planId: "premium-99" }, day10);
    expect(changed.planId).toBe("premium-99");
    expect(changed.prorations.map((p) => [p.amount, p.description])).toEqual([
      [-2030, "Unused time on Basic from 2026-04-10"],
      [6930, "Remaining time on Premium from 2026-04-10"],
    ]);
    expect(changed.prorations[0]).toMatchObject({ currency: "USD", periodStart: "2026-04-10T00:00:00.000Z", periodEnd: "2026-05-01T00:00:00.000Z" });

    // April bills each plan's slice of one split of the period: 9 days of $29, 21 of $99.
    const closed = await rollOver(env, sub, MAY);
    expect(closed!.closedPeriod).toMatchObject({ planId: "premium-99", periodStart: APRIL, periodEnd: MAY, trial: false });
    const base = await baseFee(closed!.closedPeriod);
    expect(base.map((l) => [l.description, l.amount])).toEqual([
      ["Basic (2026-04-01 – 2026-04-10)", 870],
      ["Premium (2026-04-10 – 2026-05-01)", 6930],
    ]);
    expect(sum(base)).toBe(2900 - 2030 + 6930);
    // A change in May is not billed on April's invoice.
    await changePlan(env, db, caller, sub.id, { planId: "basic-29" }, MAY + DAY);
    expect(sum(await baseFee(closed!.closedPeriod))).toBe(7800);
    expect(closed!.subscription).toMatchObject({ planId: "premium-99", currentPeriodStart: MAY });
  });

  it("without proration switches the plan and adds no items", async () => {
    const { sub, env, caller } = await subscribe("scn-upgrade-noprorate", "basic-29");
    const changed = await changePlan(env, db, caller, sub.id, { planId: "premium-99", prorate: false }, APRIL + 9 * DAY);
    expect(changed.prorations).toEqual([]);
    // The old fee runs to the period end; usage from the change is priced at the new plan.
    expect((await baseFee(openPeriod((await findSubscription(db, sub.id))!))).map((l) => l.amount)).toEqual([2900]);
  });

  it("refuses an immediate switch between monthly and yearly, and another currency", async () => {
    const { sub, env, caller } = await subscribe("scn-upgrade-interval", "basic-29");
    await expect(changePlan(env, db, caller, sub.id, { planId: "basic-yearly" }, APRIL + DAY)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("switch at period end"),
    });
    await expect(changePlan(env, db, caller, sub.id, { planId: "euro-19" }, APRIL + DAY)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Plan euro-19 is priced in EUR; this subscription bills in USD",
    });
  });
});

describe("downgrade at period end", () => {
  it("is scheduled, then applied by the roll-over exactly once", async () => {
    const { sub, env, caller, pushes } = await subscribe("scn-downgrade", "premium-99");
    const scheduled = await changePlan(env, db, caller, sub.id, { planId: "basic-29", at: "period_end" }, APRIL + 20 * DAY);
    expect(scheduled).toMatchObject({ planId: "premium-99", scheduledChange: { planId: "basic-29", at: "2026-05-01T00:00:00.000Z" }, prorations: [] });

    expect(await rollOver(env, sub, MAY - 1)).toBeNull(); // not due yet
    const first = await rollOver(env, sub, MAY + 3600_000);
    expect(first!.closedPeriod.planId).toBe("premium-99");
    expect(first!.subscription).toMatchObject({ planId: "basic-29", scheduledPlanId: null, currentPeriodEnd: at("2026-06-01T00:00:00Z") });
    // Later runs find the period closed and change nothing.
    expect(await Promise.all([rollOver(env, sub, MAY + 3600_000), rollOver(env, sub, MAY + 7200_000)])).toEqual([null, null]);
    expect(await closedPeriods(sub.id)).toHaveLength(1);
    expect(pushes.at(-1)).toMatchObject({ tenant: "scn-downgrade", planId: "basic-29", status: "active", periodStart: MAY });
  });

  it("can be withdrawn by scheduling the current plan", async () => {
    const { sub, env, caller } = await subscribe("scn-downgrade-undo", "premium-99");
    await changePlan(env, db, caller, sub.id, { planId: "basic-29", at: "period_end" }, APRIL + DAY);
    const undone = await changePlan(env, db, caller, sub.id, { planId: "premium-99", at: "period_end" }, APRIL + 2 * DAY);
    expect(undone.scheduledChange).toBeNull();
    const rolled = await rollOver(env, sub, MAY);
    expect(rolled!.subscription.planId).toBe("premium-99");
  });

  it("to a yearly plan re-anchors at the boundary", async () => {
    const { sub, env, caller } = await subscribe("scn-to-yearly", "basic-29", at("2026-01-15T00:00:00Z"));
    await changePlan(env, db, caller, sub.id, { planId: "basic-yearly", at: "period_end" }, at("2026-01-20T00:00:00Z"));
    const rolled = await rollOver(env, sub, at("2026-02-15T00:00:00Z"));
    expect(rolled!.subscription).toMatchObject({
      billingAnchor: at("2026-02-15T00:00:00Z"),
      currentPeriodStart: at("2026-02-15T00:00:00Z"),
      currentPeriodEnd: at("2027-02-15T00:00:00Z"),
    });
  });
});

describe("cancel", () => {
  it("at period end, then reactivate: the subscription simply continues", async () => {
    const { sub, env, caller } = await subscribe("scn-cancel-reactivate", "basic-29");
    const canceled = await cancelSubscription(db, env, caller, sub.id, {}, APRIL + 5 * DAY);
    expect(canceled).toMatchObject({ status: "active", cancelAtPeriodEnd: true, cancelAt: "2026-05-01T00:00:00.000Z", prorations: [] });
    const reactivated = await reactivateSubscription(env, db, caller, sub.id, APRIL + 6 * DAY);
    expect(reactivated).toMatchObject({ id: sub.id, status: "active", cancelAtPeriodEnd: false, cancelAt: null, canceledAt: null });
    const rolled = await rollOver(env, sub, MAY);
    expect(rolled!.subscription.status).toBe("active");
  });

  it("at period end is applied by the roll-over; reactivating then starts a new subscription", async () => {
    const { sub, env, caller, pushes } = await subscribe("scn-cancel-end", "basic-29");
    await cancelSubscription(db, env, caller, sub.id, { atPeriodEnd: true }, APRIL + 5 * DAY);
    const rolled = await rollOver(env, sub, MAY + 10);
    expect(rolled!.subscription).toMatchObject({ status: "canceled", endedAt: MAY, currentPeriodEnd: MAY });
    expect(pushes.at(-1)).toMatchObject({ status: "canceled" });
    expect(await rollOver(env, sub, MAY + DAY)).toBeNull();

    const later = MAY + 3 * DAY;
    const fresh = await reactivateSubscription(env, db, caller, sub.id, later);
    expect(fresh).toMatchObject({
      status: "active",
      planId: "basic-29",
      reactivatedFrom: sub.id,
      currentPeriodStart: "2026-05-04T00:00:00.000Z",
      currentPeriodEnd: "2026-06-04T00:00:00.000Z",
      trialEnd: null,
    });
    expect(fresh.id).not.toBe(sub.id);
    // Only one live subscription: reactivating the old one again is refused.
    await expect(reactivateSubscription(env, db, caller, sub.id, later + 1)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("immediately with proration credits the unused rest and freezes the period for its final invoice", async () => {
    const { sub, env, caller } = await subscribe("scn-cancel-now", "basic-29");
    const canceled = await cancelSubscription(db, env, caller, sub.id, { atPeriodEnd: false, prorate: true }, APRIL + 20 * DAY);
    expect(canceled).toMatchObject({ status: "canceled", endedAt: "2026-04-21T00:00:00.000Z", cancelAt: "2026-04-21T00:00:00.000Z" });
    expect(canceled.prorations.map((p) => p.amount)).toEqual([-967]); // 2900 × 10/30 = 966.67
    const [period] = await closedPeriods(sub.id);
    expect(period).toMatchObject({ planId: "basic-29", periodStart: APRIL, periodEnd: MAY, endedAt: APRIL + 20 * DAY, invoiceId: null });
    expect((await listPeriodsToInvoice(db, 100, "scn-cancel-now")).map((p) => p.id)).toEqual([period!.id]);
    expect((await baseFee(period!)).map((l) => l.amount)).toEqual([1933]);
  });
});

describe("pause and resume", () => {
  it("pausing 5 days takes 5/30 of the base fee out of the period", async () => {
    const { sub, env, caller, pushes } = await subscribe("scn-pause", "basic-29");
    const paused = await pauseSubscription(env, db, caller, sub.id, {}, APRIL + 10 * DAY);
    expect(paused).toMatchObject({ status: "paused", pausedAt: "2026-04-11T00:00:00.000Z", resumesAt: null });
    expect(pushes.at(-1)).toMatchObject({ tenant: "scn-pause", status: "paused", subscriptionId: sub.id });

    const resumed = await resumeSubscription(env, db, caller, sub.id, APRIL + 15 * DAY);
    expect(resumed).toMatchObject({ status: "active", pausedAt: null, currentPeriodEnd: "2026-05-01T00:00:00.000Z" });
    expect(pushes.at(-1)).toMatchObject({ status: "active" });

    const row = (await findSubscription(db, sub.id))!;
    const lines = await baseFee(openPeriod(row));
    // One split of 2900 over 10 + 5 + 15 days: 966.67 → 967, 483.33 (paused), 1450.
    expect(lines.map((l) => [l.description, l.amount])).toEqual([
      ["Basic (2026-04-01 – 2026-04-11)", 967],
      ["Basic (2026-04-16 – 2026-05-01)", 1450],
    ]);
    expect(sum(lines)).toBe(2900 - 483);
  });

  it("resumes by itself at resumesAt, ending the pause exactly then", async () => {
    const { sub, env, caller } = await subscribe("scn-autoresume", "basic-29");
    await pauseSubscription(env, db, caller, sub.id, { resumesAt: APRIL + 15 * DAY }, APRIL + 10 * DAY);
    const seen = await getSubscription(env, db, "scn-autoresume", sub.id, APRIL + 20 * DAY);
    expect(seen.status).toBe("active");
    expect(await phases(sub.id)).toEqual([
      ["active", APRIL, "basic-29"],
      ["paused", APRIL + 10 * DAY, null],
      ["active", APRIL + 15 * DAY, "basic-29"],
    ]);
  });

  it("a pause across the period end is split at the boundary", async () => {
    const { sub, env, caller } = await subscribe("scn-pause-boundary", "basic-29");
    await pauseSubscription(env, db, caller, sub.id, {}, APRIL + 24 * DAY);
    const rolled = await rollOver(env, sub, MAY);
    expect(rolled!.subscription).toMatchObject({ status: "paused", currentPeriodStart: MAY });
    expect(sum(await baseFee(rolled!.closedPeriod))).toBe(2900 - 580); // 6 of 30 days paused
    // Resuming on Jun 1 rolls May over first (all of it paused), then resumes in June.
    await resumeSubscription(env, db, caller, sub.id, MAY + 31 * DAY);
    expect(await phases(sub.id)).toEqual([
      ["active", APRIL, "basic-29"],
      ["paused", APRIL + 24 * DAY, null],
      ["paused", MAY, null],
      ["paused", MAY + 31 * DAY, null],
      ["active", MAY + 31 * DAY, "basic-29"],
    ]);
    const [, may] = await closedPeriods(sub.id);
    expect(may!.periodStart).toBe(MAY);
    expect(await baseFee(may!)).toEqual([]);
  });
});

describe("trials and periods", () => {
  it("trial to active: the trial is its own unbilled period, then anniversaries of its end", async () => {
    const start = at("2026-04-03T12:00:00Z");
    const { sub, env } = await subscribe("scn-trial", "trial-49", start, {});
    expect(sub).toMatchObject({
      status: "trialing",
      trialStart: "2026-04-03T12:00:00.000Z",
      trialEnd: "2026-04-17T12:00:00.000Z",
      currentPeriodEnd: "2026-04-17T12:00:00.000Z",
    });
    const rolled = await rollOver(env, sub, start + 14 * DAY);
    expect(rolled!.closedPeriod.trial).toBe(true);
    expect(await baseFee(rolled!.closedPeriod)).toEqual([]);
    expect(rolled!.subscription).toMatchObject({
      status: "active",
      billingAnchor: start + 14 * DAY,
      currentPeriodStart: start + 14 * DAY,
      currentPeriodEnd: at("2026-05-17T12:00:00Z"),
    });
  });

  it("a subscription started on Jan 31 renews on Feb 28, Mar 31, Apr 30", async () => {
    const { sub, env } = await subscribe("scn-jan31", "basic-29", at("2026-01-31T00:00:00Z"));
    const ends = [sub.currentPeriodEnd];
    let now = Date.parse(sub.currentPeriodEnd);
    for (let i = 0; i < 3; i++) {
      const r = await rollOver(env, sub, now);
      ends.push(new Date(r!.subscription.currentPeriodEnd).toISOString());
      now = r!.subscription.currentPeriodEnd;
    }
    expect(ends.map((e) => e.slice(0, 10))).toEqual(["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]);
  });

  it("a migrated customer's periods follow from a past startAt", async () => {
    const { env } = recordingEnv();
    const sub = await createSubscription(
      db,
      env,
      "scn-migrated",
      { planId: "trial-49", startAt: at("2025-06-15T08:00:00Z") },
      "user-1",
      at("2026-04-10T00:00:00Z"),
    );
    // The 14-day trial ended long ago: active, anniversaries of the trial end (Jun 29).
    expect(sub).toMatchObject({
      status: "active",
      billingCycleAnchor: "2025-06-29T08:00:00.000Z",
      currentPeriodStart: "2026-03-29T08:00:00.000Z",
      currentPeriodEnd: "2026-04-29T08:00:00.000Z",
    });
  });

  it("reads catch up: a period that ended while nobody looked is rolled over first", async () => {
    const { sub, env } = await subscribe("scn-catchup", "basic-29");
    const seen = await getSubscription(env, db, "scn-catchup", sub.id, at("2026-07-10T00:00:00Z"));
    expect(seen.currentPeriodStart).toBe("2026-07-01T00:00:00.000Z");
    expect((await closedPeriods(sub.id)).map((p) => new Date(p.periodStart).toISOString().slice(0, 7))).toEqual(["2026-04", "2026-05", "2026-06"]);
  });
});

describe("concurrency", () => {
  it("two simultaneous changes: one applies, the other is a 409 and writes nothing", async () => {
    const { sub, env, caller } = await subscribe("scn-race", "basic-29");
    const results = await Promise.allSettled([
      changePlan(env, db, caller, sub.id, { planId: "premium-99" }, APRIL + 9 * DAY),
      pauseSubscription(env, db, caller, sub.id, {}, APRIL + 9 * DAY),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(fulfilled).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: "CONFLICT" });
    const row = (await findSubscription(db, sub.id))!;
    // Exactly one phase was written besides the first: the winner's.
    expect((await phases(sub.id)).slice(1)).toEqual([row.status === "paused" ? ["paused", APRIL + 9 * DAY, null] : ["active", APRIL + 9 * DAY, "premium-99"]]);
  });
});

describe("the tenant meter", () => {
  it("is told the state after every change", async () => {
    const { sub, env, caller, pushes } = await subscribe("scn-meter", "basic-29");
    await changePlan(env, db, caller, sub.id, { planId: "premium-99" }, APRIL + DAY);
    await pauseSubscription(env, db, caller, sub.id, {}, APRIL + 2 * DAY);
    await resumeSubscription(env, db, caller, sub.id, APRIL + 3 * DAY);
    await cancelSubscription(db, env, caller, sub.id, {}, APRIL + 4 * DAY);
    await reactivateSubscription(env, db, caller, sub.id, APRIL + 5 * DAY);
    await rollOver(env, sub, MAY);
    await cancelSubscription(db, env, caller, sub.id, { atPeriodEnd: false }, MAY + DAY);
    expect(pushes.map((p) => [p.planId, p.status, new Date(p.periodStart).toISOString().slice(0, 10)])).toEqual([
      ["basic-29", "active", "2026-04-01"],
      ["premium-99", "active", "2026-04-01"],
      ["premium-99", "paused", "2026-04-01"],
      ["premium-99", "active", "2026-04-01"],
      ["premium-99", "active", "2026-04-01"],
      ["premium-99", "active", "2026-04-01"],
      ["premium-99", "active", "2026-05-01"],
      ["premium-99", "canceled", "2026-05-01"],
    ]);
    expect(pushes.every((p) => p.tenant === "scn-meter" && p.subscriptionId === sub.id && p.projectId === null)).toBe(true);
    expect(pushes[0]!.meters).toMatchObject([{ metric: "apiCalls", limit: 1000 }]);
  });

  it("accepts the pushes through the real Durable Object binding", async () => {
    const sub = await createSubscription(db, realEnv, "scn-meter-real", { planId: "basic-29" }, "user-1", APRIL);
    const paused = await pauseSubscription(realEnv, db, tenantCaller("scn-meter-real"), sub.id, {}, APRIL + DAY);
    expect(paused.status).toBe("paused");
    await expect(
      pushPlanState(realEnv, "scn-meter-real", {
        subscriptionId: sub.id,
        projectId: null,
        planId: "basic-29",
        status: "paused",
        periodStart: APRIL,
        periodEnd: MAY,
        meters: [],
      }),
    ).resolves.toBeUndefined();
  });
});
