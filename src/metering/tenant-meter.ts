import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

/**
 * One per tenant (`env.TENANT_METER.getByName(tenantId)`): the hot path for usage.
 * SQLite-backed; see docs/tenant-meter-storage.md for every table it keeps.
 */
export class TenantMeter extends DurableObject<Bindings> {
  async ping(): Promise<string> {
    return "pong";
  }
}
