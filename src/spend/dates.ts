import { z } from "@hono/zod-openapi";
import { DAY_MS, isoDay } from "../lib/time";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a calendar date at 00:00 UTC, or null when it is not a real date ("2026-02-30"). */
export function dayStart(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && y >= 1970 ? ms : null;
}

export const addDays = (day: string, n: number) => isoDay(dayStart(day)! + n * DAY_MS);

/** A point in time given as `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time with offset. */
export interface Instant {
  ms: number;
  dateOnly: boolean;
  text: string;
}

function parseInstant(text: string): Instant | null {
  const dateOnly = dayStart(text);
  if (dateOnly !== null) return { ms: dateOnly, dateOnly: true, text };
  const m = DATETIME.exec(text);
  if (!m || dayStart(`${m[1]}-${m[2]}-${m[3]}`) === null) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? { ms, dateOnly: false, text } : null;
}

export const InstantParam = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const parsed = parseInstant(s.trim());
    if (!parsed) {
      ctx.addIssue({ code: "custom", message: "must be a date YYYY-MM-DD or an ISO 8601 date-time with offset" });
      return z.NEVER;
    }
    return parsed;
  })
  .openapi({ type: "string", example: "2026-03-01" });

export const DateOnly = z
  .string()
  .refine((s) => dayStart(s) !== null, "must be a calendar date YYYY-MM-DD")
  .openapi({ type: "string", format: "date", example: "2026-03-01" });

/**
 * The `[from, to)` window a `from`/`to` pair selects. A date-only `to` includes that whole
 * day (`to=2026-03-31` covers March 31); a date-time `to` is inclusive of that instant.
 */
export function window(from?: Instant, to?: Instant): { fromMs?: number; toMs?: number } {
  return {
    fromMs: from?.ms,
    toMs: to === undefined ? undefined : to.dateOnly ? to.ms + DAY_MS : to.ms + 1,
  };
}

/** zod refinement: `from` must not be after `to` (reported on `to`). */
export function checkRange(v: { from?: Instant; to?: Instant }, ctx: z.RefinementCtx) {
  const { fromMs, toMs } = window(v.from, v.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
  }
}
