import { createRoute } from "@hono/zod-openapi";
import { envelope, jsonResponses, ok } from "../../http/envelope";
import { createRouter, described, secured } from "../../http/router";
import { Currency } from "../../lib/currency";
import { reportingCurrency } from "../currency";
import { readScope, TenantQuery } from "../scope";
import { SpendStatus } from "./schemas";
import { spendStatus } from "./service";

export const statusRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/status",
    tags: ["Spend reports"],
    operationId: "getSpendStatus",
    summary: "Spend tracking status with storage stats",
    ...described(
      "Whether spend tracking is set up, its configuration, and counts of items, categories and sync jobs with the total amount in one currency (and per currency in `byCurrency`).",
      secured("billing:read"),
    ),
    request: { query: TenantQuery.extend({ currency: Currency.optional() }) },
    responses: jsonResponses(envelope(SpendStatus)),
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = c.var.db;
    const tenantId = readScope(c, q.tenantId);
    return ok(c, await spendStatus(db, tenantId, await reportingCurrency(db, tenantId, q.currency)));
  },
);
