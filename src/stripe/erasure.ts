import { byTenant, type TenantErasure } from "../db/erasure";
import { stripeEvents } from "./table";

/** The Stripe events recorded for the tenant. */
export const stripeErasure: TenantErasure = { tables: [byTenant(stripeEvents)] };
