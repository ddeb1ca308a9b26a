import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { findSubscription } from "../../src/subscriptions/queries";
import { createSubscription, pauseSubscription } from "../../src/subscriptions/service";
import { subscriptionPeriods } from "../../src/subscriptions/table";
import { at, DAY, db, recordingEnv, standardPlans, tenantCaller } from "./fixtures";

beforeAll(standardPlans);

async function runHourly(scheduledTime: number) {
  const controller = createScheduledController({ cron: "0 * * * *", scheduledTime });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("hourly subscription jobs", () => {
  it("roll subscriptions over ended periods and resume due pauses, idempotently", async () => {
    const { env: quiet } = recordingEnv();
    const jan = at("2026-01-10T00:00:00Z");
    const behind = await createSubscription(db, quiet, "job-behind", { planId: "basic-29" }, "user-1", jan);
    const paused = await createSubscription(db, quiet, "job-paused", { planId: "basic-29" }, "user-1", jan);
    await pauseSubscription(quiet, db, tenantCaller("job-paused"), paused.id, { resumesAt: jan + 3 * DAY }, jan + DAY);

    const now = at("2026-04-20T00:30:00Z");
    await runHourly(now);
    await runHourly(now);

    expect(await findSubscription(db, behind.id)).toMatchObject({ status: "active", currentPeriodStart: at("2026-04-10T00:00:00Z") });
    const periods = await db.select().from(subscriptionPeriods).where(eq(subscriptionPeriods.subscriptionId, behind.id));
    expect(periods.map((p) => new Date(p.periodStart).toISOString().slice(0, 10)).sort()).toEqual(["2026-01-10", "2026-02-10", "2026-03-10"]);
    expect(await findSubscription(db, paused.id)).toMatchObject({ status: "active", pausedAt: null });
  });
});
