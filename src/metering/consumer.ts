import type { Bindings } from "../env";

/** Queue consumer for `usage-events` (batch ingestion). */
export async function consumeUsageBatch(batch: MessageBatch<unknown>, _env: Bindings, _ctx: ExecutionContext): Promise<void> {
  batch.retryAll();
}
