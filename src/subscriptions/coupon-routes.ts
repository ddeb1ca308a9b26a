import { createRoute } from "@hono/zod-openapi";
import { clockNow } from "../clock";
import { CouponValidation, ValidateCoupon, validateCoupon } from "../coupons";
import { assertTenantAccess, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okWith } from "../http/envelope";
import { IdempotencyHeaders, securedIdempotent } from "../http/idempotency";
import { createRouter, described, rateLimitedAs, secured } from "../http/router";
import { redeemCoupon } from "./discounts";
import { findLiveSubscription } from "./queries";
import { RedeemCoupon, Redemption } from "./schemas";

const tags = ["Coupons"];
const validateGuard = rateLimitedAs("coupon-validation", secured("billing:read", "billing:update"));

// A code as it applies to a tenant: checked against its current plan, redeemed onto its subscription.
export const couponRedemptionRoutes = createRouter()
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
      const now = await clockNow(c, input.tenantId);
      return ok(c, await validateCoupon(c.var.db, input, now, async () => (await findLiveSubscription(c.var.db, input.tenantId))?.planId));
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
      return okWith(c, await redeemCoupon(c.env, c.var.db, input, principal.sub, await clockNow(c, input.tenantId)), 201);
    },
  );
