import { createRoute, z } from "@hono/zod-openapi";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { IdempotencyHeaders, securedIdempotent } from "../http/idempotency";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { Coupon, CreateCoupon } from "./schemas";
import { createCoupon, deactivateCoupon, getCoupon, listCoupons } from "./catalog";

const tags = ["Coupons"];
const Params = z.object({ couponId: z.string().min(1).max(64).openapi({ description: "Coupon id, or its code" }) });

// The coupon catalog (operator). Validating and redeeming a code for a tenant: src/subscriptions/coupon-routes.ts.
export const couponsRoutes = createRouter()
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
