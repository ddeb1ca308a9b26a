import { env } from "cloudflare:workers";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { outbox } from "../../src/outbox/table";
import { sweepOutbox } from "../../src/wiring/outbox";
import { meterQuotasStatement, reconcileMeterQuotas } from "../../src/quotas/meter-sync";
import { quotas } from "../../src/quotas/table";
import { call, token } from "../helpers";

const db = database(env.DB);
const meter = (tenant: string) => env.TENANT_METER.getByName(tenant);

async function hourlyQuota(tenant: string, limit: number) {
  const res = await call("POST", "quotas", {
    token: await token({ tenant }),
    body: { tenantId: tenant, metric: "apiCalls", limit, period: "hour", enforcement: "hard" },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.data.id as string;
}

const pending = (tenant: string) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.tenantId, tenant), eq(outbox.kind, "meter.quotas"), isNull(outbox.doneAt)));

describe("the meter's quotas are pushed, through the outbox (it never reads D1)", () => {
  it("a quota write reaches the meter before the response, and its outbox row is done", async () => {
    const tenant = "mq-push";
    const id = await hourlyQuota(tenant, 5);
    const held = await meter(tenant).quotaState();
    expect(held.quotas.map((q) => [q.id, q.limit])).toEqual([[id, "5"]]);
    expect(held.version).toBeGreaterThan(0);
    expect(await pending(tenant)).toEqual([]);
  });

  it("a write whose push never happened reaches the meter with the next sweep", async () => {
    const tenant = "mq-sweep";
    const id = await hourlyQuota(tenant, 5);
    // A limit change committed with its outbox row, as if the request died before pushing.
    await db.batch([db.update(quotas).set({ limitValue: "1" }).where(eq(quotas.id, id)), meterQuotasStatement(db, tenant, Date.now())]);
    expect((await meter(tenant).quotaState()).quotas[0]!.limit).toBe("5");
    expect(await pending(tenant)).toHaveLength(1);
    await sweepOutbox(env, Date.now());
    expect((await meter(tenant).quotaState()).quotas[0]!.limit).toBe("1");
    expect(await pending(tenant)).toEqual([]);
  });

  it("an older set arriving late is ignored; the hourly reconciliation repairs a meter that lost its set", async () => {
    const tenant = "mq-drift";
    const id = await hourlyQuota(tenant, 5);
    const { version } = await meter(tenant).quotaState();
    await meter(tenant).setQuotas([], version - 1);
    expect((await meter(tenant).quotaState()).quotas).toHaveLength(1);

    await meter(tenant).setQuotas([], version); // e.g. storage restored from before the quota
    expect(await reconcileMeterQuotas(env, db, tenant)).toBe(true);
    expect((await meter(tenant).quotaState()).quotas.map((q) => q.id)).toEqual([id]);
    expect(await reconcileMeterQuotas(env, db, tenant)).toBe(false);
  });
});
