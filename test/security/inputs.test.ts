import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/error-handler";
import { adminToken, call, token } from "../helpers";
import { newTenant } from "../metering/support";

const event = { eventId: "e-1", metric: "apiCalls", quantity: 1 };

/** A POST with a body the JSON helper would not send as is (bytes, a stream). */
async function rawPost(path: string, t: string, body: BodyInit, headers: Record<string, string>) {
  const res = await exports.default.fetch(
    new Request(`https://billing.test${path}`, { method: "POST", body, headers: { authorization: `Bearer ${t}`, ...headers } }),
  );
  return { status: res.status, json: await res.json<any>() };
}

describe("request bodies: UTF-8, uncompressed, bounded, on every surface", () => {
  it("answers a charset other than utf-8 with 415, in each surface's shape", async () => {
    const t = await token({ tenant: newTenant("charset"), scope: "usage:write billing:update" });
    const latin1 = { "content-type": "application/json; charset=ISO-8859-1" };
    const api = await call("POST", "cost-centers", { token: t, body: { name: "x" }, headers: latin1 });
    expect([api.status, api.json.error.code, api.json.error.details[0].path]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type"]);
    expect(api.json.error.message).toContain("iso-8859-1");
    const seed003 = await call("POST", "/billing/usage", { token: t, body: event, headers: { "content-type": 'application/json; charset="utf-16"' } });
    expect([seed003.status, seed003.json.error, seed003.json.code]).toEqual([415, "Unsupported Media Type", "UNSUPPORTED_MEDIA_TYPE"]);
    const seed002 = await call("POST", "/organizations/acme/payment_methods/create_and_attach", { token: t, body: {}, headers: latin1 });
    expect([seed002.status, seed002.json.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    // utf-8 in any spelling is fine.
    for (const [i, charset] of ["utf-8", "UTF-8", '"utf-8"', "utf8"].entries()) {
      const res = await call("POST", "cost-centers", {
        token: t,
        body: { name: `cc ${charset} ${i}` },
        headers: { "content-type": `application/json; charset=${charset}` },
      });
      expect([charset, res.status]).toEqual([charset, 201]);
    }
  });

  it("answers a Content-Encoding the Worker does not decode with 415 instead of parsing compressed bytes", async () => {
    const t = await token({ tenant: newTenant("encoding") });
    const gzipped = await new Response(new Blob([JSON.stringify({ name: "zipped" })]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    const res = await rawPost("/api/v1/billing/cost-centers", t, gzipped, { "content-type": "application/json", "content-encoding": "gzip" });
    expect([res.status, res.json.error.code, res.json.error.details[0].path]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE", "Content-Encoding"]);
    const identity = await call("POST", "cost-centers", { token: t, body: { name: "plain" }, headers: { "content-encoding": "identity" } });
    expect(identity.status).toBe(201);
  });

  it("limits bodies on the seed surfaces too, in their own shapes, with or without Content-Length", async () => {
    const t = await token({ tenant: newTenant("body-limit") });
    const big = JSON.stringify({ ...event, padding: "x".repeat(3 * 1024 * 1024) });
    const seed003 = await call("POST", "/billing/usage", { token: t, body: big });
    expect([seed003.status, seed003.json.error, seed003.json.code]).toEqual([413, "Payload Too Large", "PAYLOAD_TOO_LARGE"]);
    const seed002 = await call("POST", "/organizations/acme/payment_methods/create_and_attach", { token: t, body: big });
    expect([seed002.status, seed002.json.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const unknown = await call("POST", "no/such/route", { body: big });
    expect([unknown.status, unknown.json.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    // Streamed (no Content-Length): counted as it arrives.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await rawPost("/billing/usage", t, stream, { "content-type": "application/json" });
    expect([streamed.status, streamed.json.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });
});

describe("control characters in names, ids and codes", () => {
  it("refuses NUL, CR/LF and bidi overrides with a 400 naming the field, wherever the string sits", async () => {
    const t = await token({ tenant: newTenant("ctl"), scope: "usage:write billing:read billing:update" });
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "cost-centers", { name: "Research\u0000" }, "name"],
      ["POST", "cost-centers", { name: "R&D", tags: ["ok", "evil\u202egnp.exe"] }, "tags.1"],
      ["POST", "coupons/validate", { code: "SAVE\u206620", tenantId: "acme" }, "code"],
      ["POST", "/billing/usage", { ...event, eventId: "retry\r\nX-Injected: 1" }, "eventId"],
      ["POST", "cost-centers", { name: "R&D", description: "line one\u0000" }, "description"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, { token: t, body });
      const details = res.json.error?.details ?? res.json.details;
      expect([path, field, res.status, details?.[0]]).toEqual([
        path,
        field,
        400,
        { path: field, message: expect.stringContaining("control characters"), code: "unsafe_characters" },
      ]);
    }
    // A batch names the event; a query parameter and a path id are checked alike.
    const batch = await call("POST", `tenants/${"acme"}/usage/batch`, {
      token: await token({ scope: "usage:write" }),
      body: { events: [event, { ...event, eventId: "e\u202d2" }] },
    });
    expect([batch.status, batch.json.error.details[0].path]).toEqual([400, "events.1.eventId"]);
    const query = await call("GET", "coupons?cursor=%00", { token: await adminToken() });
    expect([query.status, query.json.error.message]).toEqual([400, expect.stringMatching(/^Invalid cursor in query/)]);
    const param = await call("GET", "cost-centers/cc%0D%0Ax", { token: t });
    expect([param.status, param.json.error.details[0].path]).toEqual([400, "costCenterId"]);
  });

  it("lets a description break lines and use tabs", async () => {
    const t = await token({ tenant: newTenant("ctl-ok") });
    const res = await call("POST", "cost-centers", { token: t, body: { name: "Research", description: "Line one\r\nLine two\twith a tab" } });
    expect(res.status).toBe(201);
    expect(res.json.data.description).toBe("Line one\r\nLine two\twith a tab");
  });
});
