import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../../http/envelope";
import { PageQuery } from "../../http/pagination";
import { createRouter, described, secured } from "../../http/router";
import { readScope, TenantQuery, writeTenant } from "../scope";
import { CategoryDeleted, CategoryParams, CreateCategory, SpendCategory, UpdateCategory } from "./schemas";
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from "./service";

const tags = ["Spend categories"];

/** Ids resolve in every tenant the caller sees; names in `?tenantId=` or the caller's own tenant. */
const lookup = (c: Context<AppEnv>, tenantId?: string) => [readScope(c, tenantId), writeTenant(c, tenantId)] as const;

export const categoriesRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/categories",
      tags,
      operationId: "listSpendCategories",
      summary: "List categories (by name)",
      ...described("The tenant's categories in name order, paginated.", secured("billing:read")),
      request: { query: TenantQuery.extend(PageQuery.shape) },
      responses: jsonResponses(pageEnvelope(SpendCategory)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { items, nextCursor } = await listCategories(c.var.db, readScope(c, q.tenantId), q);
      return okPage(c, items, nextCursor, q.limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/categories",
      tags,
      operationId: "createSpendCategory",
      summary: "Create a category (names are unique per tenant, case-insensitively)",
      ...described(
        "A category with a name, a description and a color (`#RRGGBB`, stored upper-case). A name the tenant already has, in any case, is 409.",
        secured("billing:update"),
      ),
      request: { query: TenantQuery, ...jsonBody(CreateCategory) },
      responses: jsonResponses(envelope(SpendCategory), "Created", 201),
    }),
    async (c) => {
      const tenantId = writeTenant(c, c.req.valid("query").tenantId);
      return okWith(c, await createCategory(c.var.db, tenantId, c.req.valid("json"), Date.now()), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/categories/{idOrName}",
      tags,
      operationId: "getSpendCategory",
      summary: "Get a category by id or name",
      ...described("One category, by id or by name (case-insensitive).", secured("billing:read")),
      request: { params: CategoryParams, query: TenantQuery },
      responses: jsonResponses(envelope(SpendCategory)),
    }),
    async (c) => ok(c, await getCategory(c.var.db, ...lookup(c, c.req.valid("query").tenantId), c.req.valid("param").idOrName)),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/categories/{idOrName}",
      tags,
      operationId: "updateSpendCategory",
      summary: "Update a category (by id, or by name)",
      ...described("Changes the fields sent. Renaming a category renames it on its items, which reference it by id.", secured("billing:update")),
      request: { params: CategoryParams, query: TenantQuery, ...jsonBody(UpdateCategory) },
      responses: jsonResponses(envelope(SpendCategory)),
    }),
    async (c) =>
      ok(c, await updateCategory(c.var.db, ...lookup(c, c.req.valid("query").tenantId), c.req.valid("param").idOrName, c.req.valid("json"), Date.now())),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/categories/{idOrName}",
      tags,
      operationId: "deleteSpendCategory",
      summary: "Delete a category; its items stay, uncategorized",
      ...described("Deletes the category and sets its items' category to null; the answer says how many (`itemsUncategorized`).", secured("billing:update")),
      request: { params: CategoryParams, query: TenantQuery },
      responses: jsonResponses(envelope(CategoryDeleted)),
    }),
    async (c) => ok(c, await deleteCategory(c.var.db, ...lookup(c, c.req.valid("query").tenantId), c.req.valid("param").idOrName)),
  );
