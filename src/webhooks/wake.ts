import type { Bindings } from "../env";
import { log } from "../http/logger";
import type { OutboxQueueMessage } from "../outbox";

/** Asks the dispatcher to deliver what the endpoints are owed; a lost wake-up is found by the sweep. */
export async function wakeEndpoints(env: Bindings, endpointIds: string[]): Promise<void> {
  const unique = [...new Set(endpointIds)];
  for (let i = 0; i < unique.length; i += 100) {
    const messages = unique.slice(i, i + 100).map((endpoint) => ({ body: { endpoint } satisfies OutboxQueueMessage }));
    await env.OUTBOX.sendBatch(messages).catch((err: Error) => log("warn", "webhook.wake_failed", { endpoints: messages.length, error: err.message }));
  }
}
