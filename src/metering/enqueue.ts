import type { MeterEvent } from "./types";

/** A queue message on `usage-events`: some of one tenant's events from one batch request. */
export interface UsageMessage {
  v: 1;
  tenantId: string;
  batchId: string;
  events: MeterEvent[];
}

export const MAX_EVENTS_PER_MESSAGE = 100;
/** Queues cap a message at 128 KB; keep well under it. */
export const MAX_MESSAGE_BYTES = 96 * 1024;
/** Queues cap one sendBatch at 100 messages and 256 KB. */
const MAX_SEND_MESSAGES = 100;
const MAX_SEND_BYTES = 224 * 1024;

const encoder = new TextEncoder();
const NON_ASCII = /[^\u0000-\u007f]/;

/** UTF-8 size of `value` as JSON; most events are ASCII, whose size is their length. */
function byteLength(value: unknown): number {
  const json = JSON.stringify(value);
  return NON_ASCII.test(json) ? encoder.encode(json).length : json.length;
}

/** Splits a batch into messages of at most 100 events and 96 KB each. */
export function toMessages(tenantId: string, batchId: string, events: readonly MeterEvent[]): Array<{ body: UsageMessage; bytes: number }> {
  const envelopeBytes = byteLength({ v: 1, tenantId, batchId, events: [] });
  const out: Array<{ body: UsageMessage; bytes: number }> = [];
  let current: MeterEvent[] = [];
  let bytes = envelopeBytes;
  for (const event of events) {
    const size = byteLength(event) + 1;
    if (current.length === MAX_EVENTS_PER_MESSAGE || (current.length > 0 && bytes + size > MAX_MESSAGE_BYTES)) {
      out.push({ body: { v: 1, tenantId, batchId, events: current }, bytes });
      current = [];
      bytes = envelopeBytes;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) out.push({ body: { v: 1, tenantId, batchId, events: current }, bytes });
  return out;
}

/**
 * Enqueues a batch's events. If a later sendBatch fails after an earlier one
 * succeeded the request fails; the client's retry is harmless because every
 * event is deduplicated by its eventId.
 */
export async function enqueueUsage(queue: Queue<UsageMessage>, tenantId: string, batchId: string, events: readonly MeterEvent[]): Promise<number> {
  const messages = toMessages(tenantId, batchId, events);
  let group: MessageSendRequest<UsageMessage>[] = [];
  let groupBytes = 0;
  for (const m of messages) {
    if (group.length === MAX_SEND_MESSAGES || (group.length > 0 && groupBytes + m.bytes > MAX_SEND_BYTES)) {
      await queue.sendBatch(group);
      group = [];
      groupBytes = 0;
    }
    group.push({ body: m.body, contentType: "json" });
    groupBytes += m.bytes;
  }
  if (group.length > 0) await queue.sendBatch(group);
  return messages.length;
}

/** A message body as read back from the queue, or null if it is not one of ours. */
export function asUsageMessage(body: unknown): UsageMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Partial<UsageMessage>;
  return m.v === 1 && typeof m.tenantId === "string" && Array.isArray(m.events) ? (m as UsageMessage) : null;
}
