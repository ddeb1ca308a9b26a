/**
 * The D1 schema, one section per capability. Each capability keeps its tables in
 * its own file; this module gathers them so `drizzle(db, { schema })` sees all.
 * Columns are snake_case in SQL; times are epoch milliseconds (UTC); money is
 * integer minor units.
 */
export * from "../plans/table";
export * from "../tenants/table";
export * from "../invoices/table";
export * from "../cost-centers/table";
export * from "../stripe/table";
export * from "../subscriptions/table";
export * from "../coupons/table";
export { idempotencyKeys } from "../http/idempotency";
export * from "../metering/table";
export * from "../quotas/table";
export * from "../spend/table";
export * from "../realtime/table";
export * from "../outbox/table";
export * from "../webhooks/table";
export * from "../clock/table";
