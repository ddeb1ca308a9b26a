import type { RollupRow, RollupValue } from "./types";

/**
 * Rows travel as one JSON parameter expanded by json_each: D1 allows 100 bound
 * parameters per statement, which would fit only a handful of rows each.
 * (Raw SQL because drizzle cannot express INSERT … SELECT FROM json_each.)
 */
const UPSERT_ROLLUPS = `
INSERT INTO usage_rollups (tenant_id, metric, bucket_start, project_id, resource, cost_center_id, event_count,
  sum_value, max_value, latest_at, latest_seq, latest_value, rejected_count, version, flushed_at)
SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
  json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'),
  json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'), json_extract(value, '$[10]'),
  json_extract(value, '$[11]'), json_extract(value, '$[12]'), ?2
FROM json_each(?3) WHERE true
ON CONFLICT (tenant_id, bucket_start, metric, project_id, resource, cost_center_id) DO UPDATE SET
  event_count = excluded.event_count, sum_value = excluded.sum_value, max_value = excluded.max_value,
  latest_at = excluded.latest_at, latest_seq = excluded.latest_seq, latest_value = excluded.latest_value,
  rejected_count = excluded.rejected_count, version = excluded.version, flushed_at = excluded.flushed_at
WHERE excluded.version > usage_rollups.version`;

const INSERT_VALUES = `
INSERT INTO usage_rollup_values (tenant_id, metric, bucket_start, project_id, resource, cost_center_id, value)
SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
  json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')
FROM json_each(?2) WHERE true
ON CONFLICT DO NOTHING`;

const ROWS_PER_STATEMENT = 250;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Writes rollup buckets as absolute values, keeping the highest version: the
 * same flush applied twice, after a crash, or out of order changes nothing.
 */
export async function writeRollups(db: D1Database, tenantId: string, rows: readonly RollupRow[], values: readonly RollupValue[], now: number): Promise<void> {
  const statements = [
    ...chunks(rows, ROWS_PER_STATEMENT).map((chunk) =>
      db
        .prepare(UPSERT_ROLLUPS)
        .bind(
          tenantId,
          now,
          JSON.stringify(
            chunk.map((r) => [
              r.metric,
              r.bucketStart,
              r.projectId,
              r.resource,
              r.costCenterId,
              r.events,
              r.sum,
              r.max,
              r.latestAt,
              r.latestSeq,
              r.latest,
              r.rejected,
              r.version,
            ]),
          ),
        ),
    ),
    ...chunks(values, ROWS_PER_STATEMENT).map((chunk) =>
      db.prepare(INSERT_VALUES).bind(tenantId, JSON.stringify(chunk.map((v) => [v.metric, v.bucketStart, v.projectId, v.resource, v.costCenterId, v.value]))),
    ),
  ];
  if (statements.length > 0) await db.batch(statements);
}
