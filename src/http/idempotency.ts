import { z } from "@hono/zod-openapi";
import { and, eq, lte, sql } from "drizzle-orm";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import type { TenantErasure } from "../db/erasure";
import type { AppEnv, Scope } from "../env";
import { principalOf } from "./auth";
import { ApiError, conflict } from "./errors";
import { secured } from "./router";
import { clockNow } from "../clock";
import { sha256Hex } from "../lib/hash";

/**
 * `Idempotency-Key` for any mutating route: the first response to a key (status and body)
 * is stored and replayed for the same request; the same key with a different request
 * (method, path or body, the body compared as canonical JSON) answers 409. Keys are scoped
 * to the caller (tenant and subject) and the route, and kept for IDEMPOTENCY_TTL_MS.
 * Like Stripe, a result is stored once execution began: a 400 (the input was refused, so
 * nothing ran) and a 5xx release the key so a corrected or later retry runs; every other
 * outcome (2xx, 402, 404, 409…) is stored and replayed.
 *
 * Use it through `securedIdempotent(scope…)` in place of `secured(scope…)`, and put
 * `IdempotencyHeaders` in the route's `request.headers` so the OpenAPI document shows it.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** NULL while the first request is still running. */
    status: integer("status"),
    responseBody: text("response_body"),
    contentType: text("content_type"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim that never got its response stored (the isolate died) can be taken over after this. */
const ABANDONED_CLAIM_MS = 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .max(255)
    .optional()
    .openapi({ description: "Makes the request safe to retry: the same key and body replay the first response for 24 h" }),
});

/** `secured(...)` plus the Idempotency-Key middleware, for routes that change state. */
export function securedIdempotent(...scopes: Scope[]) {
  const guard = secured(...scopes);
  return {
    ...guard,
    middleware: [...guard.middleware, emptyJsonIsEmptyObject, idempotent()],
    description: `${guard.description} Idempotent under an \`Idempotency-Key\` header.`,
  };
}

/**
 * An empty body labelled application/json reads as `{}`: a client that sends the header on
 * a body-less `POST …/cancel` means "no options", not malformed JSON. Runs before the
 * fingerprint, so "" and "{}" are the same request.
 */
export const emptyJsonIsEmptyObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (/^application\/([\w.+-]+\+)?json\b/i.test(c.req.header("content-type") ?? "") && (await c.req.text()).trim() === "") {
    // HonoRequest caches bodies as promises; json() parses the cached text.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
  }
  await next();
};

export function idempotent(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw new ApiError("VALIDATION_ERROR", "Idempotency-Key must be 1 to 255 visible ASCII characters", [
        { path: "Idempotency-Key", message: "1 to 255 visible ASCII characters", code: "invalid_format" },
      ]);
    }
    const principal = principalOf(c);
    const scope = [principal.tenant, principal.sub, `${c.req.method} ${c.req.routePath}`].join("\n");
    const fingerprint = await sha256Hex(`${c.req.method}\n${new URL(c.req.url).pathname}\n${canonicalBody(await c.req.text())}`);
    const db = c.var.db;
    // Retention runs on the tenant's time: on a test clock, a key is forgotten once the clock passes its 24 hours.
    const now = await clockNow(c);

    const stored = await claim(db, scope, key, fingerprint, now);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw conflict("This Idempotency-Key was already used for a different request", { idempotencyKey: key });
      }
      if (stored.status === null) {
        throw conflict("A request with this Idempotency-Key is still in progress; retry shortly", { idempotencyKey: key });
      }
      return new Response(stored.responseBody, {
        status: stored.status,
        headers: { "content-type": stored.contentType ?? "application/json", "idempotent-replayed": "true" },
      });
    }

    await next();
    const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
    if (!isStored(c.res.status)) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    await db
      .update(idempotencyKeys)
      .set({ status: c.res.status, responseBody: await c.res.clone().text(), contentType: c.res.headers.get("content-type") })
      .where(where);
  };
}

/** Whether an outcome is kept for replay: not a refused input (400), not a server failure. */
const isStored = (status: number) => status !== 400 && status < 500;

/**
 * The body as it is compared: JSON in a canonical form (object keys sorted, no whitespace),
 * so the same document with its keys in another order is the same request. Anything that
 * is not JSON is compared as sent.
 */
export function canonicalBody(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Claims the key in one statement: inserts it, or takes over an expired or abandoned
 * record. Returns undefined when this request owns the key, else the stored record.
 */
async function claim(db: Pick<Db, "insert" | "select">, scope: string, key: string, fingerprint: string, now: number) {
  const fresh = { scope, key, fingerprint, status: null, responseBody: null, contentType: null, createdAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS };
  const claimed = await db
    .insert(idempotencyKeys)
    .values(fresh)
    .onConflictDoUpdate({
      target: [idempotencyKeys.scope, idempotencyKeys.key],
      set: fresh,
      setWhere: sql`${idempotencyKeys.expiresAt} <= ${now} OR (${idempotencyKeys.status} IS NULL AND ${idempotencyKeys.createdAt} <= ${now - ABANDONED_CLAIM_MS})`,
    })
    .returning({ key: idempotencyKeys.key });
  if (claimed.length > 0) return undefined;
  return db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
    .get();
}

/** Deletes records past their retention; the daily cron calls it. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: number): Promise<number> {
  const result = await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now));
  return result.meta.changes ?? 0;
}

/** A tenant's remembered keys (their scope starts with the tenant id and a newline). */
export const idempotencyErasure: TenantErasure = {
  before: (db, tenantId) => [db.delete(idempotencyKeys).where(sql`substr(${idempotencyKeys.scope}, 1, length(${tenantId}) + 1) = ${tenantId} || char(10)`)],
  alsoEmpties: [idempotencyKeys],
  tables: [],
};
