import { vi } from "vitest";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { database } from "../../src/db/client";
import { dispatchOutbox } from "../../src/outbox";
import { OUTBOX_HANDLERS } from "../../src/wiring/outbox";
import { deliverEndpoint } from "../../src/webhooks";
import { webhookDeliveries, webhookEndpoints } from "../../src/webhooks/table";
import { call, token } from "../helpers";

export const db = database(env.DB);

export interface Received {
  url: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: any;
  headers: Record<string, string>;
}

/**
 * A receiver faked at the fetch boundary: requests to `origin` are recorded and answered by
 * `answer` (given the 1-based call number); everything else goes to the real fetch. The real
 * queue consumer runs in this isolate too, so whoever delivers, the receiver sees it.
 */
export function fakeReceiver(origin: string, answer: (n: number, r: Received, request: Request) => Response | Promise<Response> = () => new Response("ok")) {
  const real = globalThis.fetch;
  const received: Received[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (!request.url.startsWith(origin)) return real(input, init);
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    const r: Received = {
      url: request.url,
      id: headers["webhook-id"]!,
      timestamp: headers["webhook-timestamp"]!,
      signature: headers["webhook-signature"]!,
      body,
      json: JSON.parse(body),
      headers,
    };
    received.push(r);
    return answer(received.length, r, request);
  });
  return received;
}

/** Dispatches every due outbox row now (fan-out, meter states). */
export const dispatch = (now = Date.now()) => dispatchOutbox(env, OUTBOX_HANDLERS, now);

/**
 * Delivers what the endpoint is owed at `now`; if the background consumer holds the endpoint's
 * lease at that moment, waits for it and tries again.
 */
export async function deliver(endpointId: string, now = Date.now()) {
  for (let i = 0; i < 100; i++) {
    const endpoint = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).get();
    if (!endpoint?.leaseUntil || endpoint.leaseUntil <= now) return deliverEndpoint(env, db, endpointId, now);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`endpoint ${endpointId} stayed leased`);
}

/** A receiver that never answers: the attempt ends when the dispatcher's timeout aborts it. */
export const hang = (_: number, __: Received, request: Request) =>
  new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));

/**
 * Holds the endpoint's lease, as a busy dispatcher would, while `fn` runs: the background
 * queue consumer then leaves it alone, and the test delivers at the time it chooses.
 */
export async function holdingEndpoint<T>(endpointId: string, fn: () => Promise<T>): Promise<T> {
  await db.update(webhookEndpoints).set({ leaseUntil: Number.MAX_SAFE_INTEGER }).where(eq(webhookEndpoints.id, endpointId));
  try {
    return await fn();
  } finally {
    await db.update(webhookEndpoints).set({ leaseUntil: null }).where(eq(webhookEndpoints.id, endpointId));
  }
}

export const deliveriesOf = (endpointId: string) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));

export async function createEndpoint(tenant: string, body: Record<string, unknown>) {
  const res = await call("POST", `tenants/${tenant}/webhook-endpoints`, { token: await token({ tenant }), body });
  if (res.status !== 201) throw new Error(`endpoint not created: ${res.status} ${res.text}`);
  return res.json.data as { id: string; secret: string; url: string };
}
