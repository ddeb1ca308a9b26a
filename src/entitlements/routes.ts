import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../clock";
import { ENTITLEMENT_CHECK, ENTITLEMENTS } from "./examples";
import { envelope, jsonResponses, ok, okExample } from "../http/envelope";
import { createRouter, described, secured } from "../http/router";
import { TenantId } from "../http/fields";
import { EntitlementCheck, EntitlementQuery, EntitlementsQuery, FeatureKeyParams, TenantEntitlements } from "./schemas";
import { tenantEntitlement, tenantEntitlements } from "./service";

const tags = ["Entitlements"];
const TenantParams = z.object({ tenantId: TenantId });

export const entitlementsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/entitlements",
      tags,
      operationId: "listEntitlements",
      summary: "List what the tenant's plan entitles it to, now",
      ...described(
        "Every feature of the governing subscription's plan (the `projectId`'s own subscription, else the tenant-wide one): `boolean` features with their value, `static` ones with theirs, `metered` ones with the binding quota's `limit`, `used`, `remaining` and `resetsAt` (the plan meter's limit and the tenant's explicit quotas on the metric, as quota checks count them). `enabled` says whether the feature is usable now. Answered by the tenant's meter, without a database read; a plan change shows at once. Without a subscription, `planId` is null and `features` empty.",
        secured("usage:write", "billing:read"),
      ),
      request: { params: TenantParams, query: EntitlementsQuery },
      responses: jsonResponses(envelope(TenantEntitlements), "OK", 200, okExample(ENTITLEMENTS)),
    }),
    async (c) => ok(c, await tenantEntitlements(c.env, c.req.valid("param").tenantId, c.req.valid("query"), await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/entitlements/{key}",
      tags,
      operationId: "checkEntitlement",
      summary: "Check one feature: is it allowed now (for `quantity` more of a metered one)?",
      ...described(
        "One feature of the governing plan with `allowed`: false, with a `reason`, when a boolean feature is off (`FEATURE_DISABLED`), the subscription is paused (`SUBSCRIPTION_PAUSED`) or `quantity` more of a metered feature would pass a hard limit (`QUOTA_EXCEEDED`; reaching the limit exactly is allowed). Records nothing. 404 when the plan has no such feature (or the tenant no subscription).",
        secured("usage:write", "billing:read"),
      ),
      request: { params: TenantParams.merge(FeatureKeyParams), query: EntitlementQuery },
      responses: jsonResponses(envelope(EntitlementCheck), "OK", 200, okExample(ENTITLEMENT_CHECK)),
    }),
    async (c) => {
      const { tenantId, key } = c.req.valid("param");
      return ok(c, await tenantEntitlement(c.env, tenantId, key, c.req.valid("query"), await clockNow(c)));
    },
  );
