import { eq, type Column } from "drizzle-orm";

/** The condition that keeps a query to `owner`'s rows: none for null (an admin: every tenant's). */
export const ownedBy = (tenantColumn: Column, owner: string | null) => (owner === null ? undefined : eq(tenantColumn, owner));
