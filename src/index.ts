import { buildApp } from "./app";
import type { Bindings } from "./env";
import { runScheduled } from "./cron";
import { consumeUsageBatch } from "./metering/consumer";
import { collectingOutboxWrites, wakeOutbox } from "./outbox";
import { consumeOutboxBatch, isOutboxQueue } from "./wiring/outbox";

export { TenantMeter } from "./metering/tenant-meter";
export { TestClockRunner } from "./test-clocks/runner";

const app = buildApp();

/** Queue batches and cron runs wake the outbox dispatcher for the rows they wrote, like requests do. */
const waking = <T>(env: Bindings, ctx: ExecutionContext, fn: () => Promise<T>) => collectingOutboxWrites(fn, (ids) => ctx.waitUntil(wakeOutbox(env, ids)));

export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) => waking(env, ctx, () => (isOutboxQueue(batch.queue) ? consumeOutboxBatch(batch, env) : consumeUsageBatch(batch, env, ctx))),
  scheduled: (controller, env, ctx) => waking(env, ctx, () => runScheduled(controller, env, ctx)),
} satisfies ExportedHandler<Bindings>;
