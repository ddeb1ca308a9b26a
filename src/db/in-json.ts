import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * `expr IN (values)` with the values as one JSON parameter: D1 allows at most 100 bound
 * parameters per statement, and a page or a bulk call can carry hundreds of ids.
 */
export const inJson = (expr: SQLWrapper, values: readonly (string | number)[]): SQL => sql`${expr} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
