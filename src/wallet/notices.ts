import { database, type Db } from "../db/client";
import type { Bindings } from "../env";
import { outboxStatement, wakeOutbox, type Statement } from "../outbox";
import { eventStatement } from "../webhooks";
import { log } from "../http/logger";
import type { WalletNotice } from "./types";
import { walletOf } from "./meter";

/** The outbox kind of a top-up to charge (src/wallet/top-up.ts delivers it). */
export const TOP_UP_KIND = "wallet.top_up";

/**
 * Writes what the wallet noticed (inside the meter, which cannot write D1 in its
 * transaction) to D1: webhook events, and top-ups to charge as outbox rows. Ids are the
 * notices' own, so writing one twice (a flush retried) adds nothing.
 */
export async function writeWalletNotices(env: Bindings, tenantId: string, notices: readonly WalletNotice[], opts: { wake: boolean }): Promise<void> {
  const db = database(env.DB);
  const statements = noticeStatements(db, tenantId, notices);
  if (statements.length === 0) return;
  await db.batch(statements as [Statement, ...Statement[]]);
  // A request wakes the dispatcher for what it wrote when it ends; the meter's alarm has no request.
  if (opts.wake)
    await wakeOutbox(
      env,
      notices.map((n) => n.id),
    );
}

/** The statements that write `notices` (for a caller's own batch, e.g. the invoice that crossed a threshold). */
export function noticeStatements(db: Db, tenantId: string, notices: readonly WalletNotice[]): Statement[] {
  return notices.map((n) =>
    n.type === "credits.top_up.requested"
      ? outboxStatement(db, { id: n.id, tenantId, kind: TOP_UP_KIND, payload: n.data, at: n.at })
      : eventStatement(db, { id: n.id, tenantId, type: n.type, data: n.data as never, at: n.at }),
  );
}

/**
 * After a meter call that noticed something: writes it to D1 now and tells the meter, so the
 * alarm does not write it again. A failure is only logged: the meter keeps the notices and its
 * alarm writes them.
 */
export async function tellWalletNotices(env: Bindings, tenantId: string, notices: readonly WalletNotice[] | undefined): Promise<void> {
  if (!notices?.length) return;
  try {
    await writeWalletNotices(env, tenantId, notices, { wake: false });
    await walletOf(env, tenantId).ackWalletNotices(notices.map((n) => n.id));
  } catch (err) {
    log("warn", "wallet.notices_deferred", { tenant: tenantId, error: (err as Error).message });
  }
}
