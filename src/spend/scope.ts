import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { actingTenant, assertTenantAccess, ownerOf, principalOf } from "../http/auth";
import { TenantId } from "../http/fields";

/**
 * Spend belongs to the token's tenant. Admins read across every tenant unless they name one
 * with `?tenantId=`, and write into the tenant they name (or their own).
 */
export const TenantQuery = z.object({
  tenantId: TenantId.optional().openapi({
    description:
      "Admins: restrict reads to this tenant (default: every tenant) or write into it (default: the token's tenant). Others may only name their own.",
  }),
});

/** The tenant a read is limited to, or null for every tenant (admins only). */
export function readScope(c: Context<AppEnv>, requested?: string): string | null {
  const p = principalOf(c);
  if (requested) {
    assertTenantAccess(p, requested);
    return requested;
  }
  return ownerOf(p);
}

/** The tenant a write lands in. */
export const writeTenant = (c: Context<AppEnv>, requested?: string): string => actingTenant(c, requested);
