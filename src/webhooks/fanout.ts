import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Bindings } from "../env";
import { newId } from "../lib/ids";
import type { OutboxHandler } from "../outbox";
import { wakeEndpoints } from "./wake";
import { webhookDeliveries, webhookEndpoints, type WebhookEndpointRow } from "./table";

export const subscribes = (endpoint: Pick<WebhookEndpointRow, "events">, type: string) => endpoint.events.includes("*") || endpoint.events.includes(type);

/** The tenant's enabled endpoints that want `type`. */
export async function subscribedEndpoints(db: Db, tenantId: string, type: string): Promise<WebhookEndpointRow[]> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.enabled, true)));
  return rows.filter((e) => subscribes(e, type));
}

/**
 * The outbox handler for events: one delivery per subscribed endpoint, written in the batch
 * that marks the event dispatched (a replay finds the deliveries there and adds none), then
 * those endpoints are woken. An event goes only to its own tenant's endpoints.
 */
export const fanOutEvent: OutboxHandler = async (env: Bindings, db: Db, row, now) => {
  const endpoints = await subscribedEndpoints(db, row.tenantId, row.type!);
  const statements = endpoints.map((e) =>
    db
      .insert(webhookDeliveries)
      .values({
        id: newId("wdl"),
        tenantId: row.tenantId,
        endpointId: e.id,
        eventId: row.id,
        eventSeq: row.seq,
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
  );
  return {
    statements,
    afterCommit: () =>
      wakeEndpoints(
        env,
        endpoints.map((e) => e.id),
      ),
  };
};
