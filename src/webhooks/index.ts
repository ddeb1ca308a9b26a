/**
 * Outbound webhooks per Standard Webhooks 1.0: tenants register endpoints, every event a
 * producer writes (eventStatement, conditionalEventStatement, computedEventStatement, in its own batch) is fanned out to
 * the endpoints subscribed to it and delivered, signed, in order per endpoint, with retries
 * for more than three days. Nothing here runs on the request path of the change itself.
 */
export { EVENT_TYPES, EventInstant, registerEventCatalog, type EventDataMap, type EventType, type ProducedEventData } from "./catalog";
export { computedEventStatement, conditionalEventStatement, eventStatement, isoSql, onceEventId, EVENT_KIND, EVENT_RETENTION_MS } from "./events";
export { ensureAlertEndpoint } from "./endpoints";
export { deliverEndpoint, type Send } from "./delivery";
export { fanOutEvent } from "./fanout";
export { pruneDeliveries, wakeDueEndpoints } from "./scheduled";
export { wakeEndpoints } from "./wake";
export { webhooksRoutes } from "./routes";
