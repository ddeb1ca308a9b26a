import { byTenant, type TenantErasure } from "../db/erasure";
import { outbox } from "./table";

/** A tenant's outbox rows (its event log too). */
export const outboxErasure: TenantErasure = { tables: [byTenant(outbox)] };
