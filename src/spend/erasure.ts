import { byTenant, type TenantErasure } from "../db/erasure";
import { spendCategories, spendItems, spendItemTags, spendMonthly, spendSyncJobs } from "./table";

export const spendErasure: TenantErasure = {
  tables: [byTenant(spendItemTags), byTenant(spendItems), byTenant(spendMonthly), byTenant(spendSyncJobs), byTenant(spendCategories)],
};
