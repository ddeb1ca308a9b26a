import { createRoute, z } from "@hono/zod-openapi";
import { clockNow } from "../../clock";
import { ownerOf, principalOf } from "../../http/auth";
import { PageQuery } from "../../http/pagination";
import { createRouter, described, secured } from "../../http/router";
import { getSubscription, listSubscriptions, type Subscription } from "../../subscriptions";
import { organizationErrorResponses } from "./errors";

const tags = ["Organization billing (compatibility API)"];
const read = secured("billing:read", "billing:update");

const OrganizationSubscription = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    project_id: z.string().nullable(),
    product_id: z.string().nullable(),
    plan_id: z.string(),
    status: z.string(),
    start_date: z.string(),
    end_date: z.string().nullable().describe("When it ended; null while active"),
  })
  .openapi("OrganizationSubscription");

/** Seed 002's view: a subscription links a product to a project from a start to an (optional) end. */
const view = (s: Subscription): z.infer<typeof OrganizationSubscription> => ({
  id: s.id,
  organization_id: s.tenantId,
  project_id: s.projectId,
  product_id: s.productId,
  plan_id: s.planId,
  status: s.status,
  start_date: s.trialStart ?? s.billingCycleAnchor,
  end_date: s.endedAt,
});

export const subscriptionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions",
      tags,
      operationId: "organizationsListSubscriptions",
      summary: "List subscriptions of the caller's organisation",
      ...described(
        "The token's organization's subscriptions, newest first, each linking a product to a project (or to the whole organization) from `start_date` to `end_date` (null while it runs). Paginated with `limit` and `cursor` (`next_cursor`).",
        read,
      ),
      request: { query: PageQuery },
      responses: {
        200: {
          description: "Subscriptions, newest first",
          content: { "application/json": { schema: z.object({ subscriptions: z.array(OrganizationSubscription), next_cursor: z.string().nullable() }) } },
        },
        ...organizationErrorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listSubscriptions(c.var.db, c.env, principalOf(c).tenant, { limit, cursor }, await clockNow(c));
      return c.json({ subscriptions: page.items.map(view), next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/subscriptions/{id}",
      tags,
      operationId: "organizationsGetSubscription",
      summary: "Show a subscription",
      ...described("One subscription; another organization's is 404.", read),
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: { description: "Subscription", content: { "application/json": { schema: OrganizationSubscription } } }, ...organizationErrorResponses },
    }),
    async (c) => {
      const p = principalOf(c);
      const sub = await getSubscription(c.env, c.var.db, ownerOf(p), c.req.valid("param").id, await clockNow(c));
      return c.json(view(sub), 200);
    },
  );
