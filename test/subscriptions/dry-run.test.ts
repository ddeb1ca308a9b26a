import { describe, expect, it } from "vitest";
import { adminToken, call } from "../helpers";

async function clockTenant(tenantId: string, planId: string) {
  const admin = await adminToken();
  const clock = await call("POST", "test-clocks", { token: admin, body: { frozenTime: "2027-05-01T00:00:00Z" } });
  await call("POST", `test-clocks/${clock.json.data.id}/tenants`, { token: admin, body: { tenantId } });
  const sub = await call("POST", `tenants/${tenantId}/subscriptions`, { token: admin, body: { planId } });
  expect(sub.status, sub.text).toBe(201);
  return { admin, clockId: clock.json.data.id as string, sub: sub.json.data };
}

describe("change-plan with dryRun", () => {
  it("answers the prorations the change would make, and changes nothing", async () => {
    const admin = await adminToken();
    for (const [id, basePrice] of [
      ["dr-small", 3100],
      ["dr-big", 9300],
    ] as const) {
      await call("POST", "plans", { token: admin, body: { id, name: id, basePrice } });
    }
    const { clockId, sub } = await clockTenant("dr-tenant", "dr-small");
    // Day 11 of 31: 20 days left.
    await call("POST", `test-clocks/${clockId}/advance`, { token: admin, body: { frozenTime: "2027-05-12T00:00:00Z" } });
    for (let i = 0; i < 100 && (await call("GET", `test-clocks/${clockId}`, { token: admin })).json.data.status !== "ready"; i++)
      await new Promise((r) => setTimeout(r, 50));

    const dry = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: admin, body: { planId: "dr-big", dryRun: true } });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.data.planId).toBe("dr-big");
    expect(dry.json.data.prorations.map((p: any) => [p.planId, p.amount])).toEqual([
      ["dr-small", -2000],
      ["dr-big", 6000],
    ]);
    const unchanged = await call("GET", `subscriptions/${sub.id}`, { token: admin });
    expect(unchanged.json.data.planId).toBe("dr-small");
    const segments = await call("GET", `subscriptions/${sub.id}/segments`, { token: admin });
    expect(segments.json.data).toHaveLength(1);

    const real = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: admin, body: { planId: "dr-big" } });
    expect(real.json.data.prorations).toEqual(dry.json.data.prorations);
    expect((await call("GET", `subscriptions/${sub.id}`, { token: admin })).json.data.planId).toBe("dr-big");

    const scheduled = await call("POST", `subscriptions/${sub.id}/change-plan`, { token: admin, body: { planId: "dr-small", at: "period_end", dryRun: true } });
    expect(scheduled.json.data.scheduledChange).toMatchObject({ planId: "dr-small" });
    expect((await call("GET", `subscriptions/${sub.id}`, { token: admin })).json.data.scheduledChange).toBeNull();
  });
});
