import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, token } from "../helpers";
import { buildWorld, fillPath, isolateOutbound, ownedId, PLAN_ID, type World } from "./fixtures";
import { conforms, hints, hostileString, invalid, operations, valid, type OperationRef, type Schema, type Spec } from "./openapi";

/**
 * Walks the app's own OpenAPI document and sends every operation generated requests, valid and
 * broken, with good and bad tokens. Whatever the input: no 500, a status the document lists for
 * the operation (or one of GENERIC_STATUSES, which the README says any route may answer), and
 * every error in the documented shape. FUZZ_RUNS (default 20) sets the runs per operation.
 */

/** Statuses the README documents for every route, whether or not an operation lists them. */
const GENERIC_STATUSES = new Set([413, 415, 429]);
const RUNS = Number(env.FUZZ_RUNS || 20);

let spec: Spec;
let world: World;
let tokens: Record<string, string | undefined>;

beforeAll(async () => {
  isolateOutbound();
  spec = (await call("GET", "/api/v1/billing/openapi.json")).json;
  world = await buildWorld("fuzz");
  Object.assign(hints, world.ids, { planId: PLAN_ID });
  tokens = {
    owner: world.ownerToken,
    admin: world.adminToken,
    stranger: world.strangerToken,
    readOnly: await token({ tenant: world.owner, scope: "billing:read" }),
    expired: await token({ tenant: world.owner, ttlSeconds: -60 }),
    wrongKey: await token({ tenant: world.owner, secret: "not-the-secret" }),
    garbage: "not.a.jwt",
    none: undefined,
  };
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
});

interface Generated {
  auth: string;
  params: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string | undefined>;
  body?: { text: string; contentType?: string };
}

const asText = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

function requestArbitrary({ path, op }: OperationRef): fc.Arbitrary<Generated> {
  const parameters = op.parameters ?? [];
  const params: Record<string, fc.Arbitrary<string>> = {};
  for (const p of parameters.filter((p) => p.in === "path")) {
    const owned = ownedId(world, path, p.name) ?? (p.name === "planId" ? PLAN_ID : undefined);
    params[p.name] = fc.oneof(
      ...(owned ? [{ weight: 6, arbitrary: fc.constant(owned) }] : []),
      { weight: 2, arbitrary: valid(spec, p.schema).map(asText) },
      { weight: 1, arbitrary: hostileString.filter((s) => s.length > 0) },
    );
  }
  const query = fc
    .tuple(
      ...parameters
        .filter((p) => p.in === "query")
        .map((p) =>
          fc.oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            { weight: 4, arbitrary: valid(spec, p.schema).map((v) => [p.name, asText(v)] as [string, string]) },
            { weight: 1, arbitrary: hostileString.map((v) => [p.name, v] as [string, string]) },
          ),
        ),
    )
    .map((pairs) => pairs.filter((x): x is [string, string] => x !== undefined));
  const headers = fc.record(
    Object.fromEntries(
      parameters
        .filter((p) => p.in === "header")
        .map((p) => [
          p.name,
          fc.oneof(
            valid(spec, p.schema).map(asText),
            fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
            hostileString.filter((s) => /^[\x20-\x7e]*$/.test(s)),
          ),
        ]),
    ),
    { requiredKeys: [] },
  );
  // Each media type the operation declares (application/json, CloudEvents, …) with its own schema.
  const media = Object.entries(op.requestBody?.content ?? {});
  const json = (pick: (schema: Schema | undefined) => fc.Arbitrary<unknown>) =>
    fc.oneof(...media.map(([contentType, { schema }]) => pick(schema).map((x) => ({ text: JSON.stringify(x) ?? "null", contentType }))));
  const body: fc.Arbitrary<Generated["body"]> = op.requestBody
    ? fc.oneof(
        { weight: 5, arbitrary: json((schema) => valid(spec, schema)) },
        { weight: 4, arbitrary: json((schema) => invalid(spec, schema)) },
        {
          weight: 2,
          arbitrary: fc.record({
            text: fc.constantFrom("", "{", '{"a":', "null", "[]", "\u0000", '{"__proto__":{"x":1}}', "1e999", '"'.repeat(3)),
            contentType: fc.constantFrom("application/json", "text/plain", "application/json; charset=latin1", "application/x-www-form-urlencoded", undefined),
          }),
        },
      )
    : fc.constant(undefined);
  return fc.record({
    auth: fc.oneof(
      { weight: 8, arbitrary: fc.constant("owner") },
      { weight: 3, arbitrary: fc.constant("admin") },
      { weight: 1, arbitrary: fc.constantFrom("stranger", "readOnly", "expired", "wrongKey", "garbage", "none") },
    ),
    params: fc.record(params),
    query,
    headers,
    body,
  });
}

async function send({ method, path }: OperationRef, g: Generated) {
  const url = new URL(`https://billing.test${fillPath(path, (name) => g.params[name] ?? "x")}`);
  for (const [k, v] of g.query) url.searchParams.append(k, v);
  const headers = new Headers();
  for (const [k, v] of Object.entries(g.headers)) if (v !== undefined) headers.set(k, v);
  const t = tokens[g.auth];
  if (g.auth === "garbage") headers.set("authorization", `Bearer ${t}`);
  else if (t) headers.set("authorization", `Bearer ${t}`);
  if (g.body?.contentType) headers.set("content-type", g.body.contentType);
  const res = await exports.default.fetch(new Request(url, { method: method.toUpperCase(), headers, body: g.body?.text }));
  const text = await res.text();
  return { status: res.status, text, contentType: res.headers.get("content-type") ?? "" };
}

/** Why this answer breaks the contract, or null when it keeps it. */
function violation(ref: OperationRef, res: { status: number; text: string; contentType: string }): string | null {
  if (res.status >= 500 && (res.status === 500 || !(String(res.status) in ref.op.responses))) return `server error ${res.status}`;
  if (!(String(res.status) in ref.op.responses) && !GENERIC_STATUSES.has(res.status)) return `undocumented status ${res.status}`;
  if (res.status < 400) {
    const schema = ref.op.responses[String(res.status)]?.content?.["application/json"]?.schema;
    if (schema && res.contentType.includes("application/json") && !conforms(spec, schema, JSON.parse(res.text)))
      return "success body is not in the documented shape";
    return null;
  }
  if (!res.contentType.includes("application/json")) return `error without a JSON body (${res.contentType})`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return "error body is not JSON";
  }
  const declared = ref.op.responses[String(res.status)]?.content?.["application/json"]?.schema;
  // A generic status the operation does not list is held to the same shape as its 400.
  const schema = declared ?? ref.op.responses["400"]?.content?.["application/json"]?.schema;
  if (schema && !conforms(spec, schema, body)) return "error body is not in the documented shape";
  return null;
}

const documented = await fetchOperations();

describe("OpenAPI fuzzer", () => {
  it("covers every operation in the document", () => {
    expect(operations(spec).length).toBeGreaterThan(90);
    expect(documented.length).toBe(operations(spec).length);
  });

  it("holds error bodies to their documented shape (the check can fail)", () => {
    const envelope = spec.paths["/api/v1/billing/plans"]!.get!.responses["404"]!.content!["application/json"]!.schema;
    expect(conforms(spec, envelope, { success: false, error: { code: "NOT_FOUND", message: "x" } })).toBe(true);
    expect(conforms(spec, envelope, { error: { code: "NOT_FOUND", message: "x" } })).toBe(false);
    expect(conforms(spec, envelope, { success: false, error: { code: 404, message: "x" } })).toBe(false);
    const seed003 = spec.paths["/billing/subscription"]!.get!.responses["404"]!.content!["application/json"]!.schema;
    expect(conforms(spec, seed003, { error: "Not Found", message: "x", code: "NOT_FOUND" })).toBe(true);
    expect(conforms(spec, seed003, { success: false, error: { code: "NOT_FOUND", message: "x" } })).toBe(false);
  });

  // One test per operation, so a failure names the route; the list is the document's own.
  for (const ref of documented) {
    it(`${ref.method.toUpperCase()} ${ref.path}`, async () => {
      const live = operations(spec).find((o) => o.method === ref.method && o.path === ref.path)!;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(live), async (g) => {
          const res = await send(live, g);
          const why = violation(live, res);
          if (why) throw new Error(`${why}: ${JSON.stringify(g).slice(0, 600)} → ${res.text.slice(0, 400)}`);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});

/** The document at collection time, to name one test per operation. */
async function fetchOperations(): Promise<OperationRef[]> {
  const res = await exports.default.fetch(new Request("https://billing.test/api/v1/billing/openapi.json"));
  return operations((await res.json()) as Spec);
}
