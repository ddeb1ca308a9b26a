import { createRoute, z } from "@hono/zod-openapi";
import { assertTenantAccess, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { IdempotencyHeaders, securedIdempotent } from "../http/idempotency";
import { PageQuery } from "../http/pagination";
import { createRouter, described, rateLimitedAs, secured } from "../http/router";
import { redeemCoupon } from "./redeem";
import { Coupon, CouponValidation, CreateCoupon, RedeemCoupon, Redemption, ValidateCoupon } from "./schemas";
import { createCoupon, deactivateCoupon, getCoupon, listCoupons, validateCoupon } from "./service";
import { clockNow } from "../clock";

const tags = ["Coupons"];
const Params = z.object({ couponId: z.string().min(1).max(64).openapi({ description: "Coupon id, or its code" }) });

const validateGuard = rateLimitedAs("coupon-validation", secured("billing:read", "billing:update"));

// The fixed paths (/coupons/validate, /coupons/redeem) come before /coupons/{couponId}.
export const couponsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/coupons/validate",
      tags,
      operationId: "validateCoupon",
      summary: "Validate coupon",
      ...described(
        "Says whether the code works for the tenant (and the plan given, or its current plan), or why not (`not_found`, `inactive`, `expired`, `max_redemptions_reached`, `already_redeemed`, `plan_not_eligible`, `currency_mismatch`), and what it would take off. 200 for any well-formed request; nothing is redeemed.",
        validateGuard,
      ),
      request: jsonBody(ValidateCoupon),
      responses: jsonResponses(envelope(CouponValidation)),
    }),
    async (c) => {
      const input = c.req.valid("json");
      assertTenantAccess(principalOf(c), input.tenantId);
      return ok(c, await validateCoupon(c.var.db, input, await clockNow(c, input.tenantId)));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/coupons/redeem",
      tags,
      operationId: "redeemCoupon",
      summary: "Redeem coupon",
      ...described(
        "Applies a coupon to one of the tenant's subscriptions, once per tenant and coupon. Concurrent redemptions never exceed `maxRedemptions`. An unknown code is 404; a code that does not apply is 409 with the reason in `error.details.reason`.",
        securedIdempotent("billing:update"),
      ),
      request: { headers: IdempotencyHeaders, ...jsonBody(RedeemCoupon) },
      responses: jsonResponses(envelope(Redemption), "Created", 201),
    }),
    async (c) => {
      const input = c.req.valid("json");
      const principal = principalOf(c);
      assertTenantAccess(principal, input.tenantId);
      return okWith(c, await redeemCoupon(c.var.db, c.env, input, principal.sub, await clockNow(c, input.tenantId)), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/coupons",
      tags,
      operationId: "createCoupon",
      summary: "Create coupon",
      ...described(
        "A platform-wide code (unique, case-insensitive) worth `percentOff` or `amountOff` in a currency, for one invoice, a number of months or forever, optionally limited in redemptions, to a redeem-by date and to some plans.",
        securedIdempotent("admin"),
      ),
      request: { headers: IdempotencyHeaders, ...jsonBody(CreateCoupon) },
      responses: jsonResponses(envelope(Coupon), "Created", 201),
    }),
    async (c) => okWith(c, await createCoupon(c.var.db, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/coupons",
      tags,
      operationId: "listCoupons",
      summary: "List coupons, newest first",
      ...described("Every coupon with its terms, state and `timesRedeemed`. Admins only, so that tenants cannot harvest codes. Paginated.", secured("admin")),
      request: { query: PageQuery },
      responses: jsonResponses(pageEnvelope(Coupon)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listCoupons(c.var.db, { limit, cursor }, Date.now());
      return okPage(c, page.items, page.nextCursor, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/coupons/{couponId}",
      tags,
      operationId: "getCoupon",
      summary: "Get coupon",
      ...described("One coupon, by id or by code (case-insensitive).", secured("admin")),
      request: { params: Params },
      responses: jsonResponses(envelope(Coupon)),
    }),
    async (c) => ok(c, await getCoupon(c.var.db, c.req.valid("param").couponId, Date.now())),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/coupons/{couponId}/deactivate",
      tags,
      operationId: "deactivateCoupon",
      summary: "Deactivate coupon",
      ...described("Stops new redemptions of the coupon; discounts already applied keep running their course.", securedIdempotent("admin")),
      request: { params: Params, headers: IdempotencyHeaders },
      responses: jsonResponses(envelope(Coupon)),
    }),
    async (c) => ok(c, await deactivateCoupon(c.var.db, c.req.valid("param").couponId, Date.now())),
  );
