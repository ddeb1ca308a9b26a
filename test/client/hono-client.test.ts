import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { paths } from "../../clients/typescript/src/schema";
import type { ApiRoutes, AppType } from "../../src/app";
import { adminToken, token } from "../helpers";

/**
 * hono/client over `AppType` (src/app.ts): the routers' own types, for TypeScript callers that
 * share this repository (the console, scripts, other Workers). Checked by `npm run typecheck`.
 */
const TENANT = "hono-client-co";

const clientFor = (bearer: string) =>
  hc<AppType>("https://billing.test", {
    headers: { authorization: `Bearer ${bearer}` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });

/** An OpenAPI path (`/tenants/{tenantId}`) as Hono writes it (`/tenants/:tenantId`). */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}` ? HonoPath<`${Head}:${Name}${Tail}`> : P;
/** AppType's paths: ApiRoutes is a union of one schema per router (as Hono's .route() builds it), so keyof per member. */
type KeysOf<U> = U extends unknown ? keyof U : never;
type AppTypePaths = KeysOf<ApiRoutes>;
/** The documented /api/v1/billing paths (the generated client's, kept current by `npm run client:check`) that AppType lacks. */
type MissingFromAppType = Exclude<HonoPath<Extract<keyof paths, `/api/v1/billing/${string}`>>, AppTypePaths>;
/** Does not compile while a path is missing, and names it: `Type '"/api/v1/billing/…"' does not satisfy the constraint 'never'`. */
type NoneMissing<T extends never> = T;

describe("hc<AppType>", () => {
  it("has every documented /api/v1/billing path (a router mounted in buildApp goes into AppType too)", () => {
    expectTypeOf<NoneMissing<MissingFromAppType>>().toBeNever();
    // Not vacuously: AppType's paths are these, not any string.
    expectTypeOf<"/api/v1/billing/tenants/:tenantId/usage">().toExtend<AppTypePaths>();
    expectTypeOf<string>().not.toExtend<AppTypePaths>();
  });

  it("calls the API with typed paths, parameters, bodies and responses", async () => {
    const admin = clientFor(await adminToken());
    const created = await admin.api.v1.billing.plans.$post({ json: { id: "hono-client-plan", name: "Hono client", basePrice: 1500 } });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const plan = (await created.json()).data;
    expect(plan).toMatchObject({ id: "hono-client-plan", basePrice: 1500, interval: "month" });

    const tenant = clientFor(await token({ tenant: TENANT, scope: "billing:read billing:update usage:write" }));
    const subscribed = await tenant.api.v1.billing.tenants[":tenantId"].subscriptions.$post({
      param: { tenantId: TENANT },
      header: {},
      json: { planId: plan.id, trial: false },
    });
    expect(subscribed.status).toBe(201);
    if (subscribed.status !== 201) return;
    const subscription = (await subscribed.json()).data;
    expectTypeOf(subscription.status).toEqualTypeOf<"trialing" | "active" | "paused" | "past_due" | "canceled">();
    expect(subscription).toMatchObject({ planId: plan.id, status: "active" });

    const recorded = await tenant.api.v1.billing.tenants[":tenantId"].usage.$post({
      param: { tenantId: TENANT },
      json: { eventId: "hono-1", metric: "apiCalls", quantity: 3 },
    });
    expect(recorded.status).toBe(200);

    const missing = await tenant.api.v1.billing.plans[":planId"].$get({ param: { planId: "no-such-plan" }, query: {} });
    expect(missing.status).toBe(404);
    if (missing.status === 404) expect((await missing.json()).error.code).toBe("NOT_FOUND");
  });

  it("rejects at compile time what the API would reject at run time", () => {
    const client = clientFor("unused");
    const checks = [
      // @ts-expect-error: not a route of the API
      () => client.api.v1.billing.nothing.$get(),
      // @ts-expect-error: quantity is a number
      () => client.api.v1.billing.tenants[":tenantId"].usage.$post({ param: { tenantId: TENANT }, json: { eventId: "e", metric: "apiCalls", quantity: "1" } }),
      // @ts-expect-error: the plan id is a path parameter
      () => client.api.v1.billing.plans[":planId"].$get({ query: {} }),
    ];
    expect(checks).toHaveLength(3);
  });
});
