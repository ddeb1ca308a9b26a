import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import type { MeterPlanState } from "./plan-state";

/**
 * One per tenant (`env.TENANT_METER.getByName(tenantId)`): the hot path for usage.
 * SQLite-backed; see docs/tenant-meter-storage.md for every table it keeps.
 */
export class TenantMeter extends DurableObject<Bindings> {
  async setPlanState(state: MeterPlanState): Promise<void> {
    await this.ctx.storage.put(`plan-state:${state.subscriptionId}`, state);
  }
}
