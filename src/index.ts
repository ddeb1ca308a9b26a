import { buildApp } from "./app";
import type { Bindings } from "./env";
import { runScheduled } from "./cron";
import { consumeUsageBatch } from "./metering/consumer";

export { TenantMeter } from "./metering/tenant-meter";

const app = buildApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) => consumeUsageBatch(batch, env, ctx),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Bindings>;
