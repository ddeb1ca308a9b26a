import { decimal, formatDecimal } from "./quantity";
import { inScope, type Scope } from "./scope";

/**
 * Holds: usage reserved before it is known (a stream, an LLM call), then committed as an
 * event or released. An open hold counts in every check of its metric (hard quotas and the
 * wallet), so concurrent holds can never together pass a limit. Kept in the meter's SQLite;
 * the open ones also in memory, since every check of the metric reads them.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS holds (
  hold_id TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  quantity TEXT NOT NULL,
  project_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  cost_center_id TEXT NOT NULL,
  currency TEXT,
  amount INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  event_id TEXT,
  committed_quantity TEXT,
  closed_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS holds_open ON holds (expires_at) WHERE status = 'open';
`;

export type HoldStatus = "open" | "committed" | "released" | "expired";

export interface Hold {
  holdId: string;
  metric: string;
  /** Nano-units (see ./quantity). */
  quantity: bigint;
  projectId: string | null;
  resource: string | null;
  costCenterId: string | null;
  /** Money the wallet keeps for it (minor units of `currency`); 0 without a wallet. */
  currency: string | null;
  amount: number;
  createdAt: number;
  expiresAt: number;
  status: HoldStatus;
  eventId: string | null;
  committedQuantity: string | null;
  closedAt: number | null;
}

type Row = Record<string, SqlStorageValue>;

const toHold = (r: Row): Hold => ({
  holdId: r.hold_id as string,
  metric: r.metric as string,
  quantity: decimal(r.quantity as string),
  projectId: (r.project_id as string) || null,
  resource: (r.resource as string) || null,
  costCenterId: (r.cost_center_id as string) || null,
  currency: r.currency as string | null,
  amount: r.amount as number,
  createdAt: r.created_at as number,
  expiresAt: r.expires_at as number,
  status: r.status as HoldStatus,
  eventId: r.event_id as string | null,
  committedQuantity: r.committed_quantity as string | null,
  closedAt: r.closed_at as number | null,
});

/** An open hold is in force until it expires (judged on the tenant's time, whatever the alarm has done). */
export const inForce = (h: Hold, now: number) => h.status === "open" && h.expiresAt > now;

export class HoldStore {
  /**
   * Every open hold (status `open`, in force or run out and not yet marked expired), by id, in
   * the order they were opened; loaded on first use. An id missing here is not open in SQLite.
   */
  private open: Map<string, Hold> | null = null;

  constructor(private readonly sql: SqlStorage) {}

  migrate(): void {
    this.sql.exec(SCHEMA);
  }

  forget(): void {
    this.open = null;
  }

  private openHolds(): Map<string, Hold> {
    if (!this.open) {
      this.open = new Map();
      for (const row of this.sql.exec("SELECT * FROM holds WHERE status = 'open' ORDER BY created_at, hold_id")) {
        const h = toHold(row);
        this.open.set(h.holdId, h);
      }
    }
    return this.open;
  }

  /** The open hold with this id, from memory (no SQL once the open holds are loaded). */
  findOpen(holdId: string): Hold | undefined {
    return this.openHolds().get(holdId);
  }

  find(holdId: string): Hold | undefined {
    const open = this.open?.get(holdId);
    if (open) return open;
    const row = this.sql.exec("SELECT * FROM holds WHERE hold_id = ?", holdId).toArray()[0];
    return row && toHold(row);
  }

  /** Open holds in force, oldest first. */
  active(now: number): Hold[] {
    const out: Hold[] = [];
    for (const h of this.openHolds().values()) if (inForce(h, now)) out.push(h);
    return out;
  }

  /** Quantity of `metric` that holds in force reserve among the events `scope` counts. */
  heldQuantity(metric: string, scope: Scope, now: number): bigint {
    let sum = 0n;
    for (const h of this.openHolds().values()) if (inForce(h, now) && h.metric === metric && inScope(scope, h.projectId ?? "")) sum += h.quantity;
    return sum;
  }

  /** Money holds in force keep in `currency`. */
  heldAmount(currency: string, now: number): number {
    let sum = 0;
    for (const h of this.openHolds().values()) if (inForce(h, now) && h.currency === currency) sum += h.amount;
    return sum;
  }

  /**
   * Opens a hold unless one with its id exists (in any state): then nothing is written and the
   * answer is null. One statement either way, so a new hold costs no lookup first.
   */
  add(h: Omit<Hold, "status" | "eventId" | "committedQuantity" | "closedAt">): Hold | null {
    const written = this.sql.exec(
      "INSERT INTO holds (hold_id, metric, quantity, project_id, resource, cost_center_id, currency, amount, created_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (hold_id) DO NOTHING",
      h.holdId,
      h.metric,
      formatDecimal(h.quantity),
      h.projectId ?? "",
      h.resource ?? "",
      h.costCenterId ?? "",
      h.currency,
      h.amount,
      h.createdAt,
      h.expiresAt,
    ).rowsWritten;
    if (written === 0) return null;
    const hold: Hold = { ...h, status: "open", eventId: null, committedQuantity: null, closedAt: null };
    this.open?.set(hold.holdId, hold);
    return hold;
  }

  /** Closes a hold; returns it as it now is. */
  close(hold: Hold, status: Exclude<HoldStatus, "open">, now: number, commit?: { eventId: string; quantity: string }): Hold {
    this.sql.exec(
      "UPDATE holds SET status = ?, closed_at = ?, event_id = ?, committed_quantity = ? WHERE hold_id = ?",
      status,
      now,
      commit?.eventId ?? null,
      commit?.quantity ?? null,
      hold.holdId,
    );
    this.open?.delete(hold.holdId);
    return { ...hold, status, closedAt: now, eventId: commit?.eventId ?? null, committedQuantity: commit?.quantity ?? null };
  }

  /** Marks holds that have run out as expired; returns when the next one runs out (null: none open). */
  expire(now: number): number | null {
    this.sql.exec("UPDATE holds SET status = 'expired', closed_at = expires_at WHERE status = 'open' AND expires_at <= ?", now);
    this.open = null;
    const next = this.sql.exec("SELECT min(expires_at) AS next FROM holds WHERE status = 'open'").one().next;
    return next === null ? null : (next as number);
  }

  /** Closed holds are forgotten after the dedup window, like event ids. */
  prune(before: number): void {
    this.sql.exec("DELETE FROM holds WHERE status <> 'open' AND closed_at < ?", before);
  }
}
