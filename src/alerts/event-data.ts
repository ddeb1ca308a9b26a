import { z } from "@hono/zod-openapi";
import { Alert } from "./schemas";

/** The data of the alert event (src/webhooks/catalog.ts: why it is declared here). */

export const ALERT_EVENT_DATA = {
  "usage.alert.triggered": z.object({ alert: Alert }),
};

type AlertEventData = { [T in keyof typeof ALERT_EVENT_DATA]: z.infer<(typeof ALERT_EVENT_DATA)[T]> };

declare module "../webhooks/catalog" {
  interface EventDataMap extends AlertEventData {}
}
