import type { Bindings } from "../env";
import { log } from "../http/logger";
import { recordAlertCrossings } from "../alerts";
import { tellWalletNotices } from "../wallet";
import { noteQuotaRefusals } from "./quota-events";
import { asUsageMessage } from "./enqueue";
import { tenantNow } from "../clock";

/**
 * Queue consumer for `usage-events` (batch ingestion). Messages are grouped by
 * tenant and each group goes to the tenant's meter in one call, which records
 * it atomically: a group that succeeds is acked message by message, a group
 * whose call fails is retried as a whole (replays are harmless: events are
 * deduplicated by eventId). After max_retries the queue moves a message to the
 * dead-letter queue `usage-events-dlq`.
 */
export async function consumeUsageBatch(batch: MessageBatch<unknown>, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  const groups = new Map<string, Array<Message<unknown>>>();
  for (const message of batch.messages) {
    const body = asUsageMessage(message.body);
    if (!body) {
      // Not ours and never will be: let the retries run out so it lands in the DLQ for inspection.
      log("error", "usage.message.malformed", { queue: batch.queue, messageId: message.id });
      message.retry();
      continue;
    }
    const group = groups.get(body.tenantId) ?? [];
    group.push(message);
    groups.set(body.tenantId, group);
  }

  const realTime = Date.now();
  await Promise.all(
    [...groups].map(async ([tenantId, messages]) => {
      const events = messages.flatMap((m) => asUsageMessage(m.body)!.events);
      try {
        // The tenant's time decides alert windows: a tenant on a test clock lives at the clock's.
        const result = await env.TENANT_METER.getByName(tenantId).ingest(events, await tenantNow(env, tenantId, realTime));
        // Stored before the ack: if this fails the batch is retried and the meter, which keeps
        // unacknowledged crossings, reports them again.
        if (result.alerts) await recordAlertCrossings(env, tenantId, result.alerts);
        await tellWalletNotices(env, tenantId, result.notices);
        if (result.rejected > 0) await noteQuotaRefusals(env, tenantId, result.refusals, events);
        for (const m of messages) m.ack();
        if (result.rejected > 0) {
          log("info", "usage.batch.rejections", { tenant: tenantId, rejected: result.rejected, first: result.refusals[0]?.reason.code });
        }
      } catch (err) {
        log("warn", "usage.batch.retry", {
          tenant: tenantId,
          messages: messages.length,
          attempts: Math.max(...messages.map((m) => m.attempts)),
          error: err instanceof Error ? err.message : String(err),
        });
        for (const m of messages) m.retry({ delaySeconds: Math.min(2 ** m.attempts, 60) });
      }
    }),
  );
}
