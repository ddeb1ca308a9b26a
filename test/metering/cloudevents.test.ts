import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { around, item, newTenant, summary, writer } from "./support";

const cloudEvent = (over: Record<string, unknown> = {}) => ({
  specversion: "1.0",
  id: "ce-1",
  source: "kong-gateway",
  type: "apiCalls",
  subject: "proj_web",
  time: new Date().toISOString(),
  data: { quantity: 3, resource: "GET /v1/search", userId: "u_42" },
  ...over,
});

const send = (path: string, t: string, body: unknown, contentType: string) => call("POST", path, { token: t, body, headers: { "content-type": contentType } });

describe("CloudEvents ingestion", () => {
  it("records an application/cloudevents+json event: id, type, subject, time and data map onto the usage event", async () => {
    const tenant = newTenant("ce");
    const t = await writer(tenant);
    const res = await send(`tenants/${tenant}/usage`, t, cloudEvent(), "application/cloudevents+json");
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ eventId: "ce-1", status: "accepted", total: { metric: "apiCalls", quantity: "3" } });
    // The same id again is the same event.
    expect((await send(`tenants/${tenant}/usage`, t, cloudEvent(), "application/cloudevents+json; charset=utf-8")).json.data.status).toBe("duplicate");
    // Without data.quantity an event counts once (Kong's request events carry none).
    await send(`tenants/${tenant}/usage`, t, cloudEvent({ id: "ce-2", data: undefined }), "application/cloudevents+json");

    expect(item(await summary(tenant, t, `groupBy=project&${around()}`), "apiCalls", "proj_web")).toMatchObject({ quantity: "4", events: 2 });
    expect(item(await summary(tenant, t, `groupBy=resource&${around()}`), "apiCalls", "GET /v1/search")).toMatchObject({ quantity: "3" });
  });

  it("takes an application/cloudevents-batch+json array on …/usage/batch", async () => {
    const tenant = newTenant("ceb");
    const t = await writer(tenant);
    const batch = Array.from({ length: 5 }, (_, i) => cloudEvent({ id: `b-${i}`, type: i % 2 ? "llmTokens" : "apiCalls", data: { quantity: 10 } }));
    const res = await send(`tenants/${tenant}/usage/batch`, t, batch, "application/cloudevents-batch+json");
    expect(res.status, res.text).toBe(202);
    expect(res.json.data.accepted).toBe(5);
    await expect.poll(async () => item(await summary(tenant, t, around()), "apiCalls")?.quantity, { timeout: 10_000 }).toBe("30");
    expect(item(await summary(tenant, t, around()), "llmTokens")).toMatchObject({ quantity: "20", events: 2 });
  });

  it("answers 400 naming the CloudEvent's own fields", async () => {
    const tenant = newTenant("cebad");
    const t = await writer(tenant);
    const path = `tenants/${tenant}/usage`;
    const noSpec = await send(path, t, cloudEvent({ specversion: "0.3" }), "application/cloudevents+json");
    expect(noSpec.status).toBe(400);
    expect(noSpec.json.error.details).toEqual([expect.objectContaining({ path: "specversion" })]);

    const badQuantity = await send(path, t, cloudEvent({ data: { quantity: -1 } }), "application/cloudevents+json");
    expect(badQuantity.status).toBe(400);
    expect(new Set(badQuantity.json.error.details.map((d: { path: string }) => d.path))).toEqual(new Set(["data.quantity"]));

    const badType = await send(path, t, cloudEvent({ type: "not a metric!" }), "application/cloudevents+json");
    expect(badType.json.error.details).toEqual([expect.objectContaining({ path: "type" })]);

    const binary = await send(path, t, cloudEvent({ data: undefined, data_base64: "AAAA" }), "application/cloudevents+json");
    expect(binary.status).toBe(400);
    expect(binary.json.error.details[0].path).toBe("data_base64");

    const batchOnSingle = await send(path, t, [cloudEvent()], "application/cloudevents-batch+json");
    expect(batchOnSingle.status).toBe(400);

    const badBatch = await send(`tenants/${tenant}/usage/batch`, t, [cloudEvent({ id: "ok" }), cloudEvent({ id: "" })], "application/cloudevents-batch+json");
    expect(badBatch.status).toBe(400);
    expect(badBatch.json.error.details.map((d: { path: string }) => d.path)).toEqual(["1.id"]);
    expect((await send(`tenants/${tenant}/usage/batch`, t, {}, "application/cloudevents-batch+json")).status).toBe(400);
    expect((await send(path, t, "{", "application/cloudevents+json")).status).toBe(400);

    expect(await summary(tenant, t, around())).toEqual([]);
  });

  it("is listed in the OpenAPI document", async () => {
    const spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
    expect(Object.keys(spec.paths["/api/v1/billing/tenants/{tenantId}/usage"].post.requestBody.content)).toEqual([
      "application/json",
      "application/cloudevents+json",
    ]);
    expect(Object.keys(spec.paths["/api/v1/billing/tenants/{tenantId}/usage/batch"].post.requestBody.content)).toContain("application/cloudevents-batch+json");
  });
});
