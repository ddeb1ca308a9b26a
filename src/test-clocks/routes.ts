import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { testClocksEnabled } from "../clock";
import type { AppEnv } from "../env";
import { ownerOf, principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okExample, okPage, okWith, pageEnvelope } from "../http/envelope";
import { notFound } from "../http/errors";
import { decodeCursor, encodeCursor, PageQuery } from "../http/pagination";
import { createRouter, described as describedAs, secured } from "../http/router";
import { ADVANCE_TEST_CLOCK_REQUEST, ADVANCING_TEST_CLOCK, CREATE_TEST_CLOCK_REQUEST, TEST_CLOCK } from "./examples";
import { AddClockTenant, AdvanceTestClock, ClockId, CreateTestClock, DeletedTestClock, TestClock } from "./schemas";
import { addTenant, createClock, deleteClock, getClock, listClocks, startAdvance } from "./service";

const tags = ["Test clocks"];
const Params = z.object({ clockId: ClockId });
const NOTE = ' Exists only where test clocks are enabled (`TEST_CLOCKS = "true"`); elsewhere 404.';

/** Test clocks are off unless enabled: then every route of theirs is a plain 404, token or not. */
const enabled: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!testClocksEnabled(c.env)) throw notFound("Route", c.req.path);
  await next();
};

/** A tenant token reaches only the clock its tenant is on. */
const callerOwner = (c: Context<AppEnv>) => ownerOf(principalOf(c));

/** A guard with the `enabled` check in front of it. */
const gated = <G extends ReturnType<typeof secured>>(guard: G): G => ({ ...guard, middleware: [enabled, ...guard.middleware] });
const admin = () => gated(secured("admin"));
const reading = () => gated(secured("billing:read", "billing:update"));
const updating = () => gated(secured("billing:update"));
const described = <G extends { description: string }>(guard: G, what: string) => {
  const guarded = describedAs(what, guard);
  return { ...guarded, description: `${guarded.description}${NOTE}` };
};

export const testClocksRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/test-clocks",
      tags,
      operationId: "createTestClock",
      summary: "Create a test clock",
      ...described(
        admin(),
        "A frozen time, `ready` at `frozenTime`, for tenants created on it (`POST /test-clocks/{clockId}/tenants`): their billing runs on the clock's time, which moves only when the clock is advanced.",
      ),
      request: jsonBody(CreateTestClock, CREATE_TEST_CLOCK_REQUEST),
      responses: jsonResponses(envelope(TestClock), "Created", 201, okExample(TEST_CLOCK)),
    }),
    async (c) => okWith(c, await createClock(c.var.db, c.req.valid("json"), Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/test-clocks",
      tags,
      operationId: "listTestClocks",
      summary: "List test clocks",
      ...described(reading(), "An admin sees every clock, a tenant token the clock its tenant is on."),
      request: { query: PageQuery },
      responses: jsonResponses(pageEnvelope(TestClock)),
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await listClocks(c.var.db, callerOwner(c), { limit, after: decodeCursor(cursor)?.id });
      const last = page.items[page.items.length - 1];
      return okPage(c, page.items, page.more && last ? encodeCursor({ k: last.id, id: last.id }) : null, limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/test-clocks/{clockId}",
      tags,
      operationId: "getTestClock",
      summary: "Get a test clock (poll it while it advances)",
      ...described(reading(), "Status `advancing` until the advance is done, then `ready` (or `failed` with the reason)."),
      request: { params: Params },
      responses: jsonResponses(envelope(TestClock)),
    }),
    async (c) => ok(c, await getClock(c.var.db, callerOwner(c), c.req.valid("param").clockId)),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/test-clocks/{clockId}",
      tags,
      operationId: "deleteTestClock",
      summary: "Delete a test clock and the tenants on it, with all their data",
      ...described(
        admin(),
        "Deletes the clock and every tenant on it with all their data: D1 rows, meter storage, invoice PDFs. Not while it is advancing (409).",
      ),
      request: { params: Params },
      responses: jsonResponses(envelope(DeletedTestClock)),
    }),
    async (c) => ok(c, await deleteClock(c.env, c.var.db, c.req.valid("param").clockId, Date.now())),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/test-clocks/{clockId}/tenants",
      tags,
      operationId: "createTestClockTenant",
      summary: "Create a tenant on the test clock",
      ...described(admin(), "The tenant must have no data yet (409 otherwise); from then on it lives at the clock's time."),
      request: { params: Params, ...jsonBody(AddClockTenant) },
      responses: jsonResponses(envelope(TestClock), "Created", 201),
    }),
    async (c) => okWith(c, await addTenant(c.env, c.var.db, c.req.valid("param").clockId, c.req.valid("json").tenantId, Date.now()), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/test-clocks/{clockId}/advance",
      tags,
      operationId: "advanceTestClock",
      summary: "Advance a test clock",
      ...described(
        updating(),
        "Answers 202 at once with status `advancing`; in the background it runs, in time order, everything due for the clock's tenants until then (renewals, trial ends, scheduled changes, resumes, invoicing and finalization, notifications), with the cron's own jobs. Backwards is 400; while advancing, 409.",
      ),
      request: { params: Params, ...jsonBody(AdvanceTestClock, ADVANCE_TEST_CLOCK_REQUEST) },
      responses: jsonResponses(envelope(TestClock), "Accepted", 202, okExample(ADVANCING_TEST_CLOCK)),
    }),
    async (c) => okWith(c, await startAdvance(c.env, c.var.db, callerOwner(c), c.req.valid("param").clockId, c.req.valid("json").frozenTime, Date.now()), 202),
  );
