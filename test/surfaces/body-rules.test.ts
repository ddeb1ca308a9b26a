import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/error-handler";
import { adminToken } from "../helpers";
import { conforms, operations, type OperationRef, type Spec } from "../reliability/openapi";

// The body rules (at most MAX_BODY_BYTES, UTF-8, uncompressed, the declared media type) hold on
// every route of every surface, before auth or routing, and what they refuse is answered in the
// error shape of the surface the path belongs to (the seeds' README decides which that is).

const spec = (await (await exports.default.fetch(new Request("https://billing.test/api/v1/billing/openapi.json"))).json()) as Spec;
const writes = operations(spec).filter((o) => !["get", "head", "options"].includes(o.method));

type Shape = "api envelope" | "organisation billing" | "app billing";
const shapeOf = (path: string): Shape =>
  path.startsWith("/api/")
    ? "api envelope"
    : /^\/(organizations|subscriptions|invoices)(\/|$)/.test(path)
      ? "organisation billing"
      : path.startsWith("/billing/")
        ? "app billing"
        : "api envelope";

/** The body's error code if it is in `shape`, else a description of what it is instead. */
function codeIn(shape: Shape, body: any): string {
  if (shape === "api envelope")
    return body?.success === false && typeof body.error?.message === "string" ? body.error.code : `not an envelope: ${JSON.stringify(body)}`;
  if (shape === "organisation billing")
    return !("success" in body) && typeof body.error?.message === "string" ? body.error.code : `not seed 002's shape: ${JSON.stringify(body)}`;
  return typeof body?.error === "string" && typeof body.message === "string" ? body.code : `not seed 003's shape: ${JSON.stringify(body)}`;
}

const REASON: Record<number, string> = { 404: "Not Found", 413: "Payload Too Large", 415: "Unsupported Media Type" };

async function send({ method, path }: OperationRef, body: BodyInit, headers: Record<string, string>) {
  const url = `https://billing.test${path.replace(/\{(\w+)\}/g, "x1")}`;
  const res = await exports.default.fetch(new Request(url, { method: method.toUpperCase(), body, headers }));
  return { status: res.status, body: await res.json<any>() };
}

/** `[route, status, code]` of a refusal, checked against the route's surface shape and, when it documents the status, its schema. */
function refusal(ref: OperationRef, res: { status: number; body: any }) {
  const shape = shapeOf(ref.path);
  const route = `${ref.method.toUpperCase()} ${ref.path} (${shape})`;
  const documented = ref.op.responses[String(res.status)]?.content?.["application/json"]?.schema;
  if (documented && !conforms(spec, documented, res.body)) return [route, res.status, `not its documented ${res.status} body: ${JSON.stringify(res.body)}`];
  if (shape === "app billing" && res.body.error !== REASON[res.status]) return [route, res.status, `error is ${res.body.error}`];
  return [route, res.status, codeIn(shape, res.body)];
}

describe("body rules on every route of every surface", () => {
  it("covers the writes of all three surfaces", () => {
    const shapes = new Set(writes.map((w) => shapeOf(w.path)));
    expect([...shapes].sort()).toEqual(["api envelope", "app billing", "organisation billing"]);
    expect(writes.length).toBeGreaterThan(40);
  });

  it("answers a 3 MB body with 413 in the surface's shape, before auth", async () => {
    const big = JSON.stringify({ metric: "apiCalls", quantity: 1, padding: "x".repeat(3 * 1024 * 1024) });
    expect(big.length).toBeGreaterThan(MAX_BODY_BYTES);
    for (const ref of writes) {
      const res = await send(ref, big, { "content-type": "application/json" });
      expect(refusal(ref, res)).toEqual([expect.any(String), 413, "PAYLOAD_TOO_LARGE"]);
    }
  });

  it("answers a charset other than UTF-8 and a compressed body with 415 in the surface's shape", async () => {
    for (const ref of writes) {
      const latin1 = await send(ref, "{}", { "content-type": "application/json; charset=iso-8859-1" });
      expect(refusal(ref, latin1)).toEqual([expect.any(String), 415, "UNSUPPORTED_MEDIA_TYPE"]);
      const gzip = await send(ref, "{}", { "content-type": "application/json", "content-encoding": "gzip" });
      expect(refusal(ref, gzip)).toEqual([expect.any(String), 415, "UNSUPPORTED_MEDIA_TYPE"]);
    }
  });

  it("answers a body of another media type than the route declares with 415 in the surface's shape", async () => {
    const admin = await adminToken();
    // The Stripe webhooks take the raw bytes to verify their signature and declare no schema to hold them to.
    const typed = writes.filter((w) => w.op.requestBody && (w.op.security?.length ?? 0) > 0);
    expect(new Set(typed.map((w) => shapeOf(w.path))).size).toBe(3);
    for (const ref of typed) {
      const res = await send(ref, "metric=apiCalls&quantity=1", { authorization: `Bearer ${admin}`, "content-type": "application/x-www-form-urlencoded" });
      expect(refusal(ref, res)).toEqual([expect.any(String), 415, "UNSUPPORTED_MEDIA_TYPE"]);
    }
  });

  it("answers an unknown path with 404 in the shape of the surface it falls in", async () => {
    const cases: Array<[string, string, Shape]> = [
      ["GET", "/billing/nothing-here", "app billing"],
      ["DELETE", "/billing/usage", "app billing"],
      ["GET", "/organizations/acme/nothing-here", "organisation billing"],
      ["PATCH", "/invoices/inv_1", "organisation billing"],
      ["GET", "/api/v1/billing/nothing-here", "api envelope"],
      ["GET", "/nothing-here", "api envelope"],
    ];
    for (const [method, path, shape] of cases) {
      const res = await exports.default.fetch(new Request(`https://billing.test${path}`, { method }));
      const body = await res.json<any>();
      expect([method, path, res.status, codeIn(shape, body)]).toEqual([method, path, 404, "NOT_FOUND"]);
      if (shape === "app billing") expect(body.error).toBe("Not Found");
    }
  });
});
