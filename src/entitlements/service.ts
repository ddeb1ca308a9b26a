import type { Bindings } from "../env";
import { notFound } from "../http/errors";
import { formatDecimal, quantityFromNumber } from "../metering/quantity";
import type { EntitlementCheck, TenantEntitlements } from "./schemas";

/**
 * Entitlements are answered by the tenant's meter from the plan state subscriptions push to it
 * (the governing subscription's plan version, features included), so no D1 read is needed.
 */
const meter = (env: Bindings, tenantId: string) => env.TENANT_METER.getByName(tenantId);

export async function tenantEntitlements(env: Bindings, tenantId: string, q: { projectId?: string }, now: number): Promise<TenantEntitlements> {
  const answer = await meter(env, tenantId).entitlements({ projectId: q.projectId ?? null }, now);
  return { tenantId, ...answer };
}

export async function tenantEntitlement(
  env: Bindings,
  tenantId: string,
  key: string,
  q: { quantity: number; projectId?: string },
  now: number,
): Promise<EntitlementCheck> {
  const quantity = formatDecimal(quantityFromNumber(q.quantity)!);
  const answer = await meter(env, tenantId).entitlement({ key, quantity, projectId: q.projectId ?? null }, now);
  if (!answer) throw notFound("Feature", key);
  return answer;
}
