// The outbox's runtime: its handler table, the `outbox` queue consumer and the minutely sweep.
// Here and not in src/outbox because the handlers belong to the modules that write the rows,
// all of which import the outbox.
import { database } from "../db/client";
import type { Bindings } from "../env";
import { log } from "../http/logger";
import { deliverMeterQuotas, METER_QUOTAS_KIND } from "../quotas/meter-sync";
import { deliverMeterState, METER_STATE_KIND } from "../subscriptions/meter-sync";
import { deliverCarryForward, deliverRestore, deliverTopUp, TOP_UP_KIND, WALLET_GRANT_KIND, WALLET_RESTORE_KIND } from "../wallet";
import { deliverEndpoint, EVENT_KIND, EVENT_RETENTION_MS, fanOutEvent, pruneDeliveries, wakeDueEndpoints, wakeEndpoints } from "../webhooks";
import { dispatchOutbox, pruneOutbox, SWEEP_LIMIT, type OutboxHandler, type OutboxQueueMessage } from "../outbox";

/** Every kind of outbox row and who delivers it. */
export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {
  [EVENT_KIND]: fanOutEvent,
  [METER_STATE_KIND]: deliverMeterState,
  [METER_QUOTAS_KIND]: deliverMeterQuotas,
  [WALLET_GRANT_KIND]: deliverCarryForward,
  [WALLET_RESTORE_KIND]: deliverRestore,
  [TOP_UP_KIND]: deliverTopUp,
};

/** At most this many pages of due rows per sweep (a page is what one dispatchOutbox call takes). */
const SWEEP_PAGES = 5;

/** Every minute: the sweep that finds what no wake-up delivered. */
export const OUTBOX_CRON = "* * * * *";

/**
 * Whether a queue batch is the outbox's: its queue is `outbox`, or `outbox-<environment>` in
 * another wrangler environment (`outbox-staging`, wrangler.toml [env.staging]), since queue
 * names are unique per account. Every other queue carries usage events.
 */
export const isOutboxQueue = (queue: string): boolean => queue === "outbox" || queue.startsWith("outbox-");

/** The `outbox` queue consumer: outbox rows to dispatch, endpoints to deliver to. */
export async function consumeOutboxBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const db = database(env.DB);
  // Messages are independent (one endpoint each, or rows whose handlers are idempotent): in parallel.
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = message.body as Partial<OutboxQueueMessage> & Record<string, unknown>;
      try {
        if (Array.isArray(body.outbox)) {
          await dispatchOutbox(
            env,
            OUTBOX_HANDLERS,
            Date.now(),
            body.outbox.filter((id): id is string => typeof id === "string"),
          );
        } else if (typeof body.endpoint === "string") {
          const run = await deliverEndpoint(env, db, body.endpoint, Date.now());
          if (run.more) await wakeEndpoints(env, [body.endpoint]);
        } else {
          log("error", "outbox.message.malformed", { messageId: message.id });
        }
        message.ack();
      } catch (err) {
        log("warn", "outbox.message.retry", { messageId: message.id, attempts: message.attempts, error: (err as Error).message });
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
      }
    }),
  );
}

/** The minutely sweep: due outbox rows, due endpoints, retention. */
export async function sweepOutbox(env: Bindings, now: number): Promise<void> {
  const db = database(env.DB);
  const dispatched = { done: 0, failed: 0 };
  for (let page = 0; page < SWEEP_PAGES; page++) {
    const run = await dispatchOutbox(env, OUTBOX_HANDLERS, now);
    dispatched.done += run.done;
    dispatched.failed += run.failed;
    if (run.done + run.failed < SWEEP_LIMIT) break;
  }
  const endpoints = await wakeDueEndpoints(env, db, now);
  if (new Date(now).getUTCMinutes() === 0) {
    await pruneOutbox(db, now, EVENT_RETENTION_MS, EVENT_KIND);
    await pruneDeliveries(db, now);
  }
  if (dispatched.done || dispatched.failed || endpoints) log("info", "outbox sweep", { ...dispatched, endpoints });
}
