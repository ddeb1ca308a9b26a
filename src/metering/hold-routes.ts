import { createRoute, z } from "@hono/zod-openapi";
import { ErrorBody, envelope, jsonBody, jsonResponses, ok, okWith } from "../http/envelope";
import { createRouter, described, rateLimitedAs, secured } from "../http/router";
import { TenantId } from "../http/fields";
import { clockNow } from "../clock";
import { CommitHold, CreateHold, HoldCommitted, UsageHold } from "./hold-schemas";
import { commitHold, createHold, listHolds, releaseHold } from "./holds-service";

const tags = ["Usage"];
const Params = z.object({ tenantId: TenantId });
const HoldParams = Params.extend({ holdId: z.string().min(1).max(128) });
const refusals = {
  402: {
    description: "Refused: a hard quota (QUOTA_EXCEEDED), the wallet (INSUFFICIENT_CREDITS) or a paused subscription (SUBSCRIPTION_PAUSED)",
    content: { "application/json": { schema: ErrorBody } },
  },
};

export const holdRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/usage/holds",
      tags,
      operationId: "createUsageHold",
      summary: "Reserve usage before it is known",
      ...described(
        "Reserves `quantity` of a `sum` metric for up to `ttlSeconds` (at most an hour) against the hard quotas and the wallet, in the meter's transaction: refused with 402 if it would pass any of them with what is counted and held already. While open it counts in every check, so concurrent holds can never together pass a limit. Commit it with the actual usage, or release it; it releases itself when it expires. The same `holdId` again answers the hold there is (200).",
        rateLimitedAs("usage", secured("usage:write")),
      ),
      request: { params: Params, ...jsonBody(CreateHold) },
      responses: {
        ...jsonResponses(envelope(UsageHold), "Created", 201),
        200: { description: "The hold with this id, already open", content: { "application/json": { schema: envelope(UsageHold) } } },
        ...refusals,
      },
    }),
    async (c) => {
      const { created, hold } = await createHold(c.env, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c));
      return created ? okWith(c, hold, 201) : ok(c, hold);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/usage/holds",
      tags,
      operationId: "listUsageHolds",
      summary: "Open holds",
      ...described("The tenant's holds in force, oldest first, with the quantity and money each reserves.", secured("usage:write", "billing:read")),
      request: { params: Params },
      responses: jsonResponses(envelope(z.array(UsageHold))),
    }),
    async (c) => ok(c, await listHolds(c.env, c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/usage/holds/{holdId}/commit",
      tags,
      operationId: "commitUsageHold",
      summary: "Record what a hold was for",
      ...described(
        "Closes the hold and records `quantity` as one usage event (`eventId`, default `hold:<holdId>`), in one transaction. Up to the held quantity it is always recorded (it was reserved); above it the excess is checked like any event, and what a hard quota or a `block` wallet would refuse is not recorded (`refused`, `reason`): the held quantity is. A hold already committed, released or expired answers 409 (a retried commit with the same event id answers the event as a duplicate).",
        rateLimitedAs("usage", secured("usage:write")),
      ),
      request: { params: HoldParams, ...jsonBody(CommitHold) },
      responses: jsonResponses(envelope(HoldCommitted)),
    }),
    async (c) => {
      const { tenantId, holdId } = c.req.valid("param");
      return ok(c, await commitHold(c.env, tenantId, holdId, c.req.valid("json"), await clockNow(c)));
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/usage/holds/{holdId}/release",
      tags,
      operationId: "releaseUsageHold",
      summary: "Cancel a hold",
      ...described("Releases an open hold: nothing is recorded and what it reserved is free again. 409 when it is not open.", secured("usage:write")),
      request: { params: HoldParams },
      responses: jsonResponses(envelope(UsageHold)),
    }),
    async (c) => {
      const { tenantId, holdId } = c.req.valid("param");
      return ok(c, await releaseHold(c.env, tenantId, holdId, await clockNow(c)));
    },
  );
