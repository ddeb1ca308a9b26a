import type { Bindings } from "../env";

/** The tenant's wallet lives in its meter (src/metering/tenant-meter.ts), which debits it as usage is counted. */
export const walletOf = (env: Bindings, tenantId: string) => env.TENANT_METER.getByName(tenantId);
