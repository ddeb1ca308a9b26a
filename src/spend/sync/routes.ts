import { createRoute, z } from "@hono/zod-openapi";
import { principalOf } from "../../http/auth";
import { envelope, ErrorBody, jsonBody, jsonResponses, ok, okPage, pageEnvelope } from "../../http/envelope";
import { ApiError } from "../../http/errors";
import { createRouter, described, secured } from "../../http/router";
import { isoDay } from "../../lib/time";
import { addDays } from "../dates";
import { readScope, TenantQuery, writeTenant } from "../scope";
import { describeAdapters } from "./registry";
import { AdapterInfo, DEFAULT_SYNC_DAYS, JobParams, JobsQuery, SyncBody, SyncJob } from "./schemas";
import { getJob, listJobs, runSync } from "./service";

const tags = ["Spend sync"];

export const syncRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/sync",
      tags,
      operationId: "syncSpend",
      summary: "Sync spend from a provider now",
      ...described(
        "Reads the provider's daily costs for [from, to] and upserts one item per account, day and service: " +
          "re-running a sync creates nothing new and updates only revised amounts. The token is used for the provider calls only. " +
          "A provider failure answers 502 UPSTREAM_ERROR with the failed job in `error.details.job`; a sync already running for the provider answers 409.",
        secured("billing:update"),
      ),
      request: { query: TenantQuery, ...jsonBody(SyncBody) },
      responses: {
        ...jsonResponses(envelope(SyncJob)),
        502: { description: "The provider failed; the failed job is in error.details.job", content: { "application/json": { schema: ErrorBody } } },
      },
    }),
    async (c) => {
      const { provider, token, from, to, ...options } = c.req.valid("json");
      const now = Date.now();
      const last = to ?? isoDay(now);
      const job = await runSync(
        c.var.db,
        {
          tenantId: writeTenant(c, c.req.valid("query").tenantId),
          provider,
          token,
          from: from ?? addDays(last, -(DEFAULT_SYNC_DAYS - 1)),
          to: last,
          options,
          trigger: "manual",
          requestedBy: principalOf(c).sub,
        },
        { fetch: (input, init) => fetch(input, init), clock: Date.now },
      );
      if (job.status === "failed") throw new ApiError("UPSTREAM_ERROR", job.error ?? "Sync failed", { job });
      return ok(c, job);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/sync/jobs",
      tags,
      operationId: "listSpendSyncJobs",
      summary: "Sync job history, newest first",
      ...described("Every sync job (manual and scheduled) with its window, outcome and item counts; `provider` filters. Paginated.", secured("billing:read")),
      request: { query: JobsQuery },
      responses: jsonResponses(pageEnvelope(SyncJob)),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { items, nextCursor } = await listJobs(c.var.db, readScope(c, q.tenantId), q.provider, q);
      return okPage(c, items, nextCursor, q.limit);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/sync/jobs/{id}",
      tags,
      operationId: "getSpendSyncJob",
      summary: "Get a sync job",
      ...described("One sync job; another tenant's is 404.", secured("billing:read")),
      request: { params: JobParams },
      responses: jsonResponses(envelope(SyncJob)),
    }),
    async (c) => ok(c, await getJob(c.var.db, readScope(c), c.req.valid("param").id)),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/sync/adapters",
      tags,
      operationId: "listSpendSyncAdapters",
      summary: "The provider adapters and the options each takes",
      ...described(
        "Each provider `POST /sync` knows (openai, anthropic, aws, gcp): the credential its `token` must be and the options it takes.",
        secured("billing:read"),
      ),
      responses: jsonResponses(envelope(z.array(AdapterInfo))),
    }),
    (c) => ok(c, describeAdapters()),
  );
