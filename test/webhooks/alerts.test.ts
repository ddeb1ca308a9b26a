import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { sweepAlertCrossings } from "../../src/alerts";
import { ensurePlan } from "../subscriptions/fixtures";
import { call, token } from "../helpers";
import { fakeReceiver, hang } from "./support";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("alert crossings are durable", () => {
  it("a crossing the meter reported but nobody stored is stored by the sweep, once", async () => {
    const tenant = "wh-alert-durable";
    await ensurePlan({ id: "wh-alert-plan", basePrice: 0 });
    const t = await token({ tenant });
    expect((await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-alert-plan", trial: false } })).status).toBe(201);
    const alert = (await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: t, body: { type: "usage", metric: "tokens", threshold: 5 } })).json
      .data;

    // A queue consumer that died after the meter recorded the batch: the crossing was never stored in D1.
    const meter = env.TENANT_METER.getByName(tenant);
    const now = Date.now();
    const event = { eventId: "e-1", metric: "tokens", quantity: "6", timestamp: now, projectId: null, resource: null, costCenterId: null };
    const first = await meter.ingest([event], now);
    expect(first.alerts).toHaveLength(1);
    const stateOf = async () => (await call("GET", `realtime-cost/tenants/${tenant}/alerts`, { token: t })).json.data[0].state;
    expect(await stateOf()).toBe("ok");

    // Its retry sees only duplicates, yet gets the crossing again: the meter keeps it until acknowledged.
    const retry = await meter.ingest([event], now);
    expect(retry).toMatchObject({ duplicates: 1, accepted: 0 });
    expect(retry.alerts?.map((a) => a.alertId)).toEqual([alert.id]);

    expect(await sweepAlertCrossings(env, now)).toMatchObject({ stored: 1 });
    expect(await stateOf()).toBe("triggered");
    expect(await meter.pendingAlerts()).toEqual([]);
    expect(await sweepAlertCrossings(env, now)).toMatchObject({ stored: 0 });
    const events = (await call("GET", `tenants/${tenant}/events?type=usage.alert.triggered`, { token: t })).json.data;
    expect(events).toHaveLength(1);
    expect(events[0].data.alert).toMatchObject({ id: alert.id, state: "triggered", lastValue: 6 });
  });

  it("an alert whose webhook hangs does not hold up the usage write that crosses it", async () => {
    const tenant = "wh-alert-hang";
    await ensurePlan({ id: "wh-alert-plan", basePrice: 0 });
    const t = await token({ tenant });
    expect((await call("POST", `tenants/${tenant}/subscriptions`, { token: t, body: { planId: "wh-alert-plan", trial: false } })).status).toBe(201);
    const received = fakeReceiver("https://hangs.example", hang);
    const body = { type: "usage", metric: "tokens", threshold: 5, channel: { webhookUrl: "https://hangs.example/alerts" } };
    expect((await call("POST", `realtime-cost/tenants/${tenant}/alerts`, { token: t, body })).status).toBe(201);
    const crossing = await call("POST", `tenants/${tenant}/usage`, { token: t, body: { eventId: "hang-1", metric: "tokens", quantity: 6 } });
    expect(crossing.status).toBe(200);
    // The answer came back before anyone called the receiver: delivery is not on the request path.
    expect(received).toHaveLength(0);
    const events = (await call("GET", `tenants/${tenant}/events?type=usage.alert.triggered`, { token: t })).json.data;
    expect(events).toHaveLength(1);
  });
});
