import { createRoute, z } from "@hono/zod-openapi";
import { envelope, jsonResponses, ok, okPage, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { Currency } from "../lib/currency";
import { TenantId } from "../tenants/schemas";
import { creditBalances, listCreditMovements } from "./ledger";
import { CreditBalances, CreditMovement } from "./schemas";
import { toMovement } from "./service";
import { clockNow } from "../clock";

const tags = ["Credits"];
const Params = z.object({ tenantId: TenantId });

// Not in the seeds: the ledger behind `POST /subscriptions/{id}/credits`, readable by the tenant.
export const creditsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/credits",
      tags,
      operationId: "getCreditBalance",
      summary: "Credit balance per currency",
      ...described("The tenant's unexpired credit per currency: grants minus what invoices consumed, as of now.", secured("billing:read", "billing:update")),
      request: { params: Params },
      responses: jsonResponses(envelope(CreditBalances)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      return ok(c, { tenantId, balances: await creditBalances(c.var.db, tenantId, await clockNow(c)) });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/credits/movements",
      tags,
      operationId: "listCreditMovements",
      summary: "Credit ledger movements, newest first",
      ...described(
        "The append-only credit ledger: grants, consumption by invoices and returns from voided ones, newest first; `currency` filters. Paginated.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: Params, query: PageQuery.extend({ currency: Currency.optional() }) },
      responses: jsonResponses(pageEnvelope(CreditMovement)),
    }),
    async (c) => {
      const { limit, cursor, currency } = c.req.valid("query");
      const page = await listCreditMovements(c.var.db, c.req.valid("param").tenantId, { limit, cursor, currency });
      return okPage(c, page.items.map(toMovement), page.nextCursor, limit);
    },
  );
