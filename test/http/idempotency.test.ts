import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { standardPlans } from "../subscriptions/fixtures";
import { call, token } from "../helpers";

beforeAll(standardPlans);

const create = (tenant: string, t: string, key: string, body: unknown = { planId: "basic-29" }) =>
  call("POST", `tenants/${tenant}/subscriptions`, { token: t, body, headers: { "idempotency-key": key } });

async function count(tenant: string, t: string) {
  return (await call("GET", `tenants/${tenant}/subscriptions`, { token: t })).json.data.length;
}

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, and does the work once", async () => {
    const t = await token({ tenant: "idem-replay" });
    const first = await create("idem-replay", t, "key-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await create("idem-replay", t, "key-1");
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await count("idem-replay", t)).toBe(1);
  });

  it("refuses the same key with a different body (409) and leaves the first result alone", async () => {
    const t = await token({ tenant: "idem-conflict" });
    const first = await create("idem-conflict", t, "key-2");
    const other = await create("idem-conflict", t, "key-2", { planId: "premium-99" });
    expect(other.status).toBe(409);
    expect(other.json.error).toMatchObject({ code: "CONFLICT", message: "This Idempotency-Key was already used for a different request" });
    expect((await create("idem-conflict", t, "key-2")).text).toBe(first.text);
  });

  it("replays errors too: a refused transition stays refused for that key", async () => {
    const t = await token({ tenant: "idem-error" });
    const id = (await create("idem-error", t, "k-create", { planId: "trial-49" })).json.data.id;
    const pause = () => call("POST", `subscriptions/${id}/pause`, { token: t, headers: { "idempotency-key": "k-pause" } });
    const refused = await pause();
    expect(refused.status).toBe(409);
    const replay = await pause();
    expect([replay.status, replay.text]).toEqual([409, refused.text]);
  });

  it("scopes keys to the caller and the route", async () => {
    const a = await token({ tenant: "idem-scope-a" });
    const b = await token({ tenant: "idem-scope-b" });
    const subA = await create("idem-scope-a", a, "shared");
    const subB = await create("idem-scope-b", b, "shared");
    expect([subA.status, subB.status]).toEqual([201, 201]);
    expect(subA.json.data.id).not.toBe(subB.json.data.id);
    // The same key on another route is another key.
    const cancel = await call("POST", `subscriptions/${subA.json.data.id}/cancel`, { token: a, headers: { "idempotency-key": "shared" } });
    expect(cancel.status).toBe(200);
    expect(cancel.json.data.cancelAtPeriodEnd).toBe(true);
  });

  it("lets concurrent duplicates through once", async () => {
    const t = await token({ tenant: "idem-concurrent" });
    const results = await Promise.all(Array.from({ length: 5 }, () => create("idem-concurrent", t, "same-time")));
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.json.error.message.includes("still in progress")))).toBe(true);
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.json.data.id));
    expect(ids.size).toBe(1);
    expect(await count("idem-concurrent", t)).toBe(1);
  });

  it("forgets a key once it has expired", async () => {
    const t = await token({ tenant: "idem-expiry" });
    await create("idem-expiry", t, "old-key");
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE key = ?")
      .bind(Date.now() - 1, "old-key")
      .run();
    const reused = await create("idem-expiry", t, "old-key", { planId: "premium-99", projectId: "p1" });
    expect(reused.status).toBe(201);
    expect(reused.json.data.planId).toBe("premium-99");
  });

  it("rejects a malformed key", async () => {
    const t = await token({ tenant: "idem-bad" });
    for (const key of ["", "x".repeat(256), "has space"]) {
      const res = await create("idem-bad", t, key);
      expect([key.slice(0, 10), res.status, res.json.error.details[0].path]).toEqual([key.slice(0, 10), 400, "Idempotency-Key"]);
    }
    expect(await count("idem-bad", t)).toBe(0);
  });

  it("reads an empty body labelled JSON as {} (no options), before fingerprinting", async () => {
    const t = await token({ tenant: "idem-empty" });
    const id = (await create("idem-empty", t, "k-empty-create")).json.data.id;
    const cancel = (body?: string) =>
      call("POST", `subscriptions/${id}/cancel`, { token: t, body, headers: { "content-type": "application/json", "idempotency-key": "k-empty" } });
    const first = await cancel("");
    expect([first.status, first.json.data.cancelAtPeriodEnd]).toEqual([200, true]);
    const same = await cancel("{}");
    expect([same.status, same.headers.get("idempotent-replayed")]).toEqual([200, "true"]);
    const missing = await call("POST", `subscriptions/${id}/change-plan`, { token: t, body: "", headers: { "content-type": "application/json" } });
    expect([missing.status, missing.json.error.details[0].path]).toEqual([400, "planId"]);
  });

  it("treats the same JSON with its keys in another order (or other whitespace) as the same request", async () => {
    const t = await token({ tenant: "idem-canonical" });
    const send = (body: string) => call("POST", "tenants/idem-canonical/subscriptions", { token: t, body, headers: { "idempotency-key": "k-order" } });
    const first = await send('{"planId":"basic-29","projectId":"p1","trial":false}');
    expect(first.status).toBe(201);
    const reordered = await send('{ "trial": false,\n  "projectId": "p1", "planId": "basic-29" }');
    expect([reordered.status, reordered.headers.get("idempotent-replayed"), reordered.text]).toEqual([201, "true", first.text]);
    const different = await send('{"planId":"basic-29","projectId":"p2","trial":false}');
    expect(different.status).toBe(409);
    expect(await count("idem-canonical", t)).toBe(1);
  });

  it("does not store a refused input (400): the corrected request under the same key runs", async () => {
    const t = await token({ tenant: "idem-400" });
    const refused = await create("idem-400", t, "k-fix", { planId: "basic-29", trial: "no" });
    expect(refused.status).toBe(400);
    const fixed = await create("idem-400", t, "k-fix", { planId: "basic-29" });
    expect([fixed.status, fixed.headers.get("idempotent-replayed")]).toEqual([201, null]);
    expect((await create("idem-400", t, "k-fix", { planId: "basic-29" })).headers.get("idempotent-replayed")).toBe("true");
  });
});
