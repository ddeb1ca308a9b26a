import { createRoute, z } from "@hono/zod-openapi";
import { envelope, jsonResponses, ok } from "../../http/envelope";
import { createRouter, described, secured } from "../../http/router";
import { readScope } from "../scope";
import { SearchHit, SearchQuery } from "./schemas";
import { searchItems } from "./service";

export const searchRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/search",
    tags: ["Spend items"],
    operationId: "searchSpendItems",
    summary: "Full-text search over item name, description, provider, service and tags",
    ...described(
      "Every word of `q` must match, as a prefix, ignoring case and accents; any other syntax in `q` is a separator, so no query can fail. Items ranked best match first (a hit in the name weighs most), each with its `score`.",
      secured("billing:read"),
    ),
    request: { query: SearchQuery },
    responses: jsonResponses(envelope(z.array(SearchHit))),
  }),
  async (c) => {
    const q = c.req.valid("query");
    return ok(c, await searchItems(c.var.db, readScope(c, q.tenantId), q.q, q.limit));
  },
);
