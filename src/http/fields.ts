import { z } from "@hono/zod-openapi";

/** Fields every surface shares: a tenant's id, an instant on the wire. */

export const TenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, _ . - (max 64)")
  .openapi({ example: "acme" });

/** An ISO 8601 instant on the wire, epoch milliseconds inside. */
export const Instant = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .openapi({ type: "string", format: "date-time", example: "2026-04-10T00:00:00Z" });
