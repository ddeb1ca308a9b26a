import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { call, token } from "../helpers";
import { API_BASE, FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from "../stripe/fake-stripe";
import { insertDraft } from "../invoices/fixtures";

/** Every scope a tenant token can carry (admin aside). */
export const TENANT_SCOPES = ["billing:read", "billing:update", "usage:write"] as const;

export interface World {
  /** The tenant owning every object below. */
  owner: string;
  /** A tenant with nothing of its own. */
  stranger: string;
  ownerToken: string;
  strangerToken: string;
  adminToken: string;
  /** Ids of the owner's objects, by the path parameter that names them. */
  ids: Record<string, string>;
}

async function created(method: string, path: string, t: string, body: unknown): Promise<any> {
  const res = await call(method, path, { token: t, body });
  if (res.status >= 300) throw new Error(`fixture ${method} ${path}: ${res.status} ${res.text}`);
  return res.json.data;
}

/**
 * One tenant with one object of every kind a path can name (subscription, invoices draft and
 * finalized, cost center, quota, spend item and category, alert, coupon), so requests reach
 * the handlers' logic instead of stopping at "not found".
 */
export async function buildWorld(prefix: string): Promise<World> {
  const owner = `${prefix}-owner-${crypto.randomUUID().slice(0, 6)}`;
  const stranger = `${prefix}-stranger-${crypto.randomUUID().slice(0, 6)}`;
  const [ownerToken, strangerToken, adminToken] = await Promise.all([
    token({ tenant: owner, scope: TENANT_SCOPES.join(" ") }),
    token({ tenant: stranger, scope: TENANT_SCOPES.join(" ") }),
    token({ tenant: "platform", scope: "admin", sub: "operator" }),
  ]);
  const sub = await created("POST", `tenants/${owner}/subscriptions`, ownerToken, { planId: "scale", trial: false });
  const draft = await insertDraft(owner);
  const finalized = await insertDraft(owner);
  await created("POST", `invoices/${finalized}/finalize`, ownerToken, {});
  const costCenter = await created("POST", "cost-centers", ownerToken, { name: "Research", code: `cc-${owner}` });
  const quota = await created("POST", "quotas", ownerToken, { tenantId: owner, metric: "apiCalls", limit: 1_000_000, period: "month", enforcement: "soft" });
  const item = await created("POST", "items", ownerToken, { name: "Compute", amount: 1234, provider: "gcp", providerRef: `ref-${owner}`, category: "Cloud" });
  const alert = await created("POST", `realtime-cost/tenants/${owner}/alerts`, ownerToken, { type: "usage", metric: "apiCalls", threshold: 1_000_000 });
  const coupon = await created("POST", "coupons", adminToken, { code: `FUZZ${crypto.randomUUID().slice(0, 6)}`, percentOff: 10, duration: "once" });
  await created("POST", `tenants/${owner}/usage`, ownerToken, { eventId: "fixture-1", metric: "apiCalls", quantity: 3 });
  return {
    owner,
    stranger,
    ownerToken,
    strangerToken,
    adminToken,
    ids: {
      tenantId: owner,
      subscriptionId: sub.id,
      invoiceId: finalized,
      draftInvoiceId: draft,
      invoice_id: finalized,
      costCenterId: costCenter.id,
      quotaId: quota.id,
      itemId: item.id,
      idOrName: item.categoryId,
      alertId: alert.id,
      couponId: coupon.id,
    },
  };
}

/** The owner's id for a path parameter, or undefined when the parameter names nothing the owner has. */
export function ownedId(world: World, path: string, param: string): string | undefined {
  if (param === "id") {
    if (path.startsWith("/api/v1/billing/items/")) return world.ids.itemId;
    if (path.startsWith("/invoices/")) return world.ids.invoiceId;
    if (path.startsWith("/subscriptions/")) return world.ids.subscriptionId;
    return undefined;
  }
  return world.ids[param];
}

/** The OpenAPI path with its parameters filled in (`{tenantId}` → the owner, …). */
export function fillPath(path: string, value: (param: string) => string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(name)));
}

/** Shared, not owned: a plan every tenant can read. */
export const PLAN_ID = "scale";

/**
 * Nothing leaves the process: Stripe calls reach the fake, anything else (provider syncs, alert
 * webhooks) meets a dead upstream. Call in beforeAll; vi.restoreAllMocks() undoes the fetch stub.
 */
export function isolateOutbound(): FakeStripe {
  const stripe = new FakeStripe();
  Object.assign(env, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: API_BASE });
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) =>
    new Request(input, init).url.startsWith(`${API_BASE}/`) ? stripe.fetch(input, init) : new Response("upstream down", { status: 503 }),
  );
  return stripe;
}
