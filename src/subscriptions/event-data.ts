import { z } from "@hono/zod-openapi";
import { EventInstant } from "../webhooks";
import { Subscription } from "./schemas";

/** The data of the subscription events (src/webhooks/catalog.ts: why they are declared here). */

const SubscriptionSnapshot = Subscription.omit({ discounts: true }).openapi("WebhookSubscription");
const SubscriptionData = z.object({ subscription: SubscriptionSnapshot });

export const SUBSCRIPTION_EVENT_DATA = {
  "subscription.created": SubscriptionData,
  "subscription.updated": z.object({
    subscription: SubscriptionSnapshot,
    previousAttributes: z.record(z.string(), z.unknown()).describe("The changed fields, with their values before the change"),
  }),
  "subscription.canceled": SubscriptionData,
  "subscription.trial_will_end": z.object({ subscription: SubscriptionSnapshot, trialEnd: EventInstant }),
};

type SubscriptionEventData = { [T in keyof typeof SUBSCRIPTION_EVENT_DATA]: z.infer<(typeof SUBSCRIPTION_EVENT_DATA)[T]> };

declare module "../webhooks/catalog" {
  interface EventDataMap extends SubscriptionEventData {}
}
