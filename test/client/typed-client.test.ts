import { exports } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import { BillingApiError, createBillingClient, unwrap, type BillingClient, type Schemas } from "../../clients/typescript/src/index";
import { adminToken, token } from "../helpers";

/**
 * The generated TypeScript client (clients/typescript) driving a month of billing through the
 * worker's real fetch handler: every call below is type-checked against the OpenAPI document
 * by `npm run typecheck`, and answered by the app as a deployment would.
 */
const TENANT = "typed-client-co";
const PLAN = "typed-client-metered";

/** A client whose requests go into this worker (no network), as an integrator's would go to a deployment. */
const clientFor = (tokenOrFn: string | (() => Promise<string>)): BillingClient =>
  createBillingClient({ baseUrl: "https://billing.test", token: tokenOrFn, fetch: (req) => exports.default.fetch(req) });

describe("the generated TypeScript client", () => {
  it("creates a plan, subscribes a tenant, records usage, previews the bill, closes the month and lists the invoice", async () => {
    const admin = clientFor(adminToken);
    const tenant = clientFor(await token({ tenant: TENANT, scope: "billing:read billing:update usage:write" }));

    // Admin: a plan at $49.00 a month plus API calls at half a cent each. Defaulted fields
    // (interval, trialDays, meters' aggregation …) may be left out, as the document says.
    const created = await admin.POST("/api/v1/billing/plans", {
      body: { id: PLAN, name: "Typed client", basePrice: 4900, meters: [{ metric: "apiCalls", price: { model: "per_unit", unitPrice: "0.5" } }] },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const plan: Schemas["Plan"] = created.data!.data;
    expect(plan).toMatchObject({ id: PLAN, basePrice: 4900, currency: "USD", interval: "month" });

    // A tenant on a test clock, so that the month can be closed within the test.
    const { data: clock } = await unwrap(admin.POST("/api/v1/billing/test-clocks", { body: { frozenTime: "2027-03-01T00:00:00Z", name: "typed client" } }));
    await unwrap(admin.POST("/api/v1/billing/test-clocks/{clockId}/tenants", { params: { path: { clockId: clock.id } }, body: { tenantId: TENANT } }));

    // The tenant subscribes (billing:update) …
    const { data: subscription } = await unwrap(
      tenant.POST("/api/v1/billing/tenants/{tenantId}/subscriptions", {
        params: { path: { tenantId: TENANT }, header: { "idempotency-key": "typed-client-subscribe" } },
        body: { planId: PLAN },
      }),
    );
    expectTypeOf(subscription.status).toEqualTypeOf<"trialing" | "active" | "paused" | "past_due" | "canceled">();
    expect(subscription).toMatchObject({
      planId: PLAN,
      status: "active",
      currentPeriodStart: "2027-03-01T00:00:00.000Z",
      currentPeriodEnd: "2027-04-01T00:00:00.000Z",
    });

    // … and meters 1,400 API calls (usage:write), stamped with the clock's time.
    for (const [eventId, quantity] of [
      ["calls-1", 1000],
      ["calls-2", 400],
    ] as const) {
      const { data: recorded } = await unwrap(
        tenant.POST("/api/v1/billing/tenants/{tenantId}/usage", { params: { path: { tenantId: TENANT } }, body: { eventId, metric: "apiCalls", quantity } }),
      );
      expect(recorded).toMatchObject({ eventId, status: "accepted" });
    }

    const { data: summary } = await unwrap(
      tenant.GET("/api/v1/billing/tenants/{tenantId}/usage/summary", { params: { path: { tenantId: TENANT }, query: { metric: "apiCalls" } } }),
    );
    expect(summary.items.map((i) => [i.metric, i.quantity, i.events])).toEqual([["apiCalls", "1400", 2]]);

    // The preview of the period's bill at its end: $49.00 + 1,400 × 0.5 ¢ = $56.00. (Usage stamped
    // at the clock's time is not yet in a preview as of that same instant.)
    const { data: preview } = await unwrap(
      tenant.GET("/api/v1/billing/tenants/{tenantId}/billing/preview", {
        params: { path: { tenantId: TENANT }, query: { at: subscription.currentPeriodEnd } },
      }),
    );
    expect(preview.lines.map((l) => [l.kind, l.quantity, l.amount.amount])).toEqual([
      ["base", "1", 4900],
      ["usage", "1400", 700],
    ]);
    expect(preview.total).toEqual({ amount: 5600, currency: "USD" });

    // Into April: the period closes and its invoice is finalized in the background.
    const advancing = await tenant.POST("/api/v1/billing/test-clocks/{clockId}/advance", {
      params: { path: { clockId: clock.id } },
      body: { frozenTime: "2027-04-02T00:00:00Z" },
    });
    expect(advancing.response.status, JSON.stringify(advancing.error)).toBe(202);
    let state: Schemas["TestClock"] = advancing.data!.data;
    for (const end = Date.now() + 20_000; state.status === "advancing" && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await unwrap(tenant.GET("/api/v1/billing/test-clocks/{clockId}", { params: { path: { clockId: clock.id } } }))).data;
    }
    expect(state).toMatchObject({ status: "ready", frozenTime: "2027-04-02T00:00:00.000Z", failure: null });

    const invoices = await unwrap(tenant.GET("/api/v1/billing/tenants/{tenantId}/invoices", { params: { path: { tenantId: TENANT }, query: { limit: 10 } } }));
    expect(invoices.pagination).toMatchObject({ hasMore: false, nextCursor: null });
    expect(invoices.data).toHaveLength(1);
    const [invoice] = invoices.data as [Schemas["Invoice"]];
    expect(invoice).toMatchObject({
      subscriptionId: subscription.id,
      status: "open",
      periodStart: "2027-03-01T00:00:00.000Z",
      periodEnd: "2027-04-01T00:00:00.000Z",
      total: preview.total,
      amountDue: preview.total,
    });
    expect(invoice.number).toMatch(/^INV-2027-\d{6}$/);

    // One invoice with its lines, the same as the preview promised.
    const { data: full } = await unwrap(tenant.GET("/api/v1/billing/invoices/{invoiceId}", { params: { path: { invoiceId: invoice.id } } }));
    expect(full.lines.map((l) => [l.kind, l.quantity, l.amount.amount])).toEqual(preview.lines.map((l) => [l.kind, l.quantity, l.amount.amount]));
  });

  it("types errors by status and throws them from unwrap() as BillingApiError", async () => {
    const tenant = clientFor(await token({ tenant: TENANT, scope: "billing:read" }));

    const missing = await tenant.GET("/api/v1/billing/plans/{planId}", { params: { path: { planId: "no-such-plan" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.data).toBeUndefined();
    expectTypeOf(missing.error!.error.code).toEqualTypeOf<Schemas["ErrorCode"]>();
    expect(missing.error!.error.code).toBe("NOT_FOUND");

    // Another tenant's invoices: 403, thrown with its code and the response's request id.
    const thrown = await unwrap(tenant.GET("/api/v1/billing/tenants/{tenantId}/invoices", { params: { path: { tenantId: "someone-else" } } })).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(BillingApiError);
    expect(thrown).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect((thrown as BillingApiError).requestId).toMatch(/\S/);

    // Without a token the API answers 401, as it would to any client.
    const anonymous = createBillingClient({ baseUrl: "https://billing.test", token: "", fetch: (req) => exports.default.fetch(req) });
    const refused = await anonymous.GET("/api/v1/billing/plans");
    expect(refused.response.status).toBe(401);
    expect(refused.error?.error.code).toBe("UNAUTHORIZED");
  });

  it("rejects at compile time what the API would reject at run time", () => {
    const client = clientFor("unused");
    // Nothing below is sent: the functions are only type-checked (npm run typecheck fails if
    // any @ts-expect-error stops being an error, i.e. if the types went loose).
    const checks = [
      // @ts-expect-error: not a path of the API
      () => client.GET("/api/v1/billing/no-such-route"),
      // @ts-expect-error: the path parameter is required
      () => client.GET("/api/v1/billing/tenants/{tenantId}/invoices", {}),
      () =>
        client.POST("/api/v1/billing/tenants/{tenantId}/usage", {
          params: { path: { tenantId: TENANT } },
          // @ts-expect-error: quantity is a number
          body: { eventId: "e", metric: "apiCalls", quantity: "1" },
        }),
      // @ts-expect-error: an invoice status the API does not have
      () => client.GET("/api/v1/billing/tenants/{tenantId}/invoices", { params: { path: { tenantId: TENANT }, query: { status: "unpaid" } } }),
    ];
    expect(checks).toHaveLength(4);
  });
});
