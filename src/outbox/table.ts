import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** migrations/0090_outbox.sql */
export const outbox = sqliteTable("outbox", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  id: text("id").notNull().unique(),
  tenantId: text("tenant_id").notNull(),
  kind: text("kind").notNull(),
  type: text("type"),
  payload: text("payload", { mode: "json" }).notNull().$type<unknown>(),
  createdAt: integer("created_at").notNull(),
  availableAt: integer("available_at").notNull(),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  doneAt: integer("done_at"),
});
export type OutboxRow = typeof outbox.$inferSelect;
