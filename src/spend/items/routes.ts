import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../../http/envelope";
import { createRouter, described, secured } from "../../http/router";
import { toFilter } from "../filters";
import { readScope, TenantQuery, writeTenant } from "../scope";
import { BulkCreateItems, CreateItem, ItemListQuery, ItemParams, ProviderRefQuery, SpendItem, UpdateItem } from "./schemas";
import { createItems, deleteItem, findByProviderRef, getItem, listItems, updateItem } from "./service";

const tags = ["Spend items"];

// Static paths (/items/batch, /items/by-provider-ref) are registered before /items/{id} so the
// parameter route never captures them.
export const itemsRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/items",
      tags,
      operationId: "listSpendItems",
      summary: "List items (newest first) with filters",
      ...described(
        "The tenant's spend items, newest first, filtered by category, provider, service, date range (inclusive), recurring, tags (items carrying every one), stage/app, author and currency. An admin reads across every tenant unless `tenantId` names one. Paginated.",
        secured("billing:read"),
      ),
      request: { query: ItemListQuery },
      responses: jsonResponses(pageEnvelope(SpendItem)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { items, nextCursor } = await listItems(c.var.db, toFilter(readScope(c, q.tenantId), q), q);
      return okPage(c, items, nextCursor, q.limit);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/items",
      tags,
      operationId: "createSpendItem",
      summary: "Create an item",
      ...described(
        "Records one cost: amount in minor units (currency defaults to the tenant's), provider (stored lower-case), optional service, tags, category (an id, or a name, created if new), recurring period and date (default now). `author` is the token's subject. A `(provider, providerRef)` pair the tenant already has is 409.",
        secured("billing:update"),
      ),
      request: { query: TenantQuery, ...jsonBody(CreateItem) },
      responses: jsonResponses(envelope(SpendItem), "Created", 201),
    }),
    async (c) => {
      const tenantId = writeTenant(c, c.req.valid("query").tenantId);
      const [item] = await createItems(c.var.db, tenantId, principalOf(c).sub, [c.req.valid("json")], Date.now());
      return okWith(c, item!, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/items/batch",
      tags,
      operationId: "createSpendItemsBatch",
      summary: "Create up to 500 items at once (all or none)",
      ...described(
        "Creates every item or none, for imports: one bad item is a 400 naming `items.N.field`, one taken provider reference a 409.",
        secured("billing:update"),
      ),
      request: { query: TenantQuery, ...jsonBody(BulkCreateItems) },
      responses: jsonResponses(envelope(z.object({ created: z.number().int(), items: z.array(SpendItem) })), "Created", 201),
    }),
    async (c) => {
      const tenantId = writeTenant(c, c.req.valid("query").tenantId);
      const items = await createItems(c.var.db, tenantId, principalOf(c).sub, c.req.valid("json").items, Date.now());
      return okWith(c, { created: items.length, items }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/items/by-provider-ref",
      tags,
      operationId: "findSpendItemByProviderRef",
      summary: "Find an item by provider and provider reference",
      ...described(
        "The item the tenant recorded under `(provider, providerRef)`, e.g. to check whether an import already has it; none is 404.",
        secured("billing:read"),
      ),
      request: { query: ProviderRefQuery },
      responses: jsonResponses(envelope(SpendItem)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      return ok(c, await findByProviderRef(c.var.db, writeTenant(c, q.tenantId), q.provider, q.providerRef));
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/items/{id}",
      tags,
      operationId: "getSpendItem",
      summary: "Get an item",
      ...described("One spend item; another tenant's is 404.", secured("billing:read")),
      request: { params: ItemParams },
      responses: jsonResponses(envelope(SpendItem)),
    }),
    async (c) => ok(c, await getItem(c.var.db, readScope(c), c.req.valid("param").id)),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/items/{id}",
      tags,
      operationId: "updateSpendItem",
      summary: "Update an item (fields not sent stay as they are)",
      ...described(
        "Changes the fields sent; `null` clears an optional one. Moving onto a `(provider, providerRef)` pair the tenant already has is 409.",
        secured("billing:update"),
      ),
      request: { params: ItemParams, ...jsonBody(UpdateItem) },
      responses: jsonResponses(envelope(SpendItem)),
    }),
    async (c) => ok(c, await updateItem(c.var.db, readScope(c), c.req.valid("param").id, c.req.valid("json"), Date.now())),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/items/{id}",
      tags,
      operationId: "deleteSpendItem",
      summary: "Delete an item",
      ...described("Deletes the item (and its search entry).", secured("billing:update")),
      request: { params: ItemParams },
      responses: jsonResponses(envelope(z.object({ id: z.string(), deleted: z.literal(true) }))),
    }),
    async (c) => ok(c, await deleteItem(c.var.db, readScope(c), c.req.valid("param").id)),
  );
