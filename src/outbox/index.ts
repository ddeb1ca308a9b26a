/**
 * The transactional outbox. A producer puts `outboxStatement(db, message)` in the same
 * `db.batch([...])` as its change, so the change and the news of it commit together. The
 * dispatcher (the `outbox` queue consumer, woken after the write, and the minutely sweep)
 * runs the handler of the row's kind at least once and marks it done. The kinds are the
 * producers' own: their handlers, the consumer and the sweep are put together in
 * src/wiring/outbox.ts, so the outbox imports none of the modules that write to it.
 */
export type { OutboxRow } from "./table";
export { findOfKind, markCoveredDone, newestOfKindQuery, pageOfKind, tenantsWithKind } from "./queries";
export { outboxStatement, outboxSelectStatement, collectingOutboxWrites, type OutboxMessage, type Statement } from "./statement";
export { dispatchOutbox, markOutboxDone, pruneOutbox, SWEEP_LIMIT, wakeOutbox, type OutboxHandler, type OutboxQueueMessage } from "./dispatcher";
