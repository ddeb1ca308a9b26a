import { z } from "@hono/zod-openapi";
import { CLOCK_STATUSES } from "../clock";
import { Instant } from "../http/fields";
import { TenantId } from "../http/fields";

export const ClockId = z.string().min(1).max(64).openapi({ example: "clk_01kbz3q2x8a7m4c9d2e5f6g7h8" });

/** Years of simulated billing in one clock are fine; past this nothing sensible is being tested. */
export const MAX_CLOCK_YEAR = 2199;
const ClockInstant = Instant.refine((t) => new Date(t).getUTCFullYear() <= MAX_CLOCK_YEAR, `must be before ${MAX_CLOCK_YEAR + 1}`);

export const CreateTestClock = z
  .object({
    name: z.string().min(1).max(100).optional(),
    frozenTime: ClockInstant.describe("The time the clock starts at; its tenants live at this time until it is advanced"),
  })
  .strict()
  .openapi("CreateTestClock");
export type CreateTestClock = z.infer<typeof CreateTestClock>;

export const AdvanceTestClock = z
  .object({ frozenTime: ClockInstant.describe("Where to move the clock: not before its current time") })
  .strict()
  .openapi("AdvanceTestClock");

export const AddClockTenant = z
  .object({ tenantId: TenantId.describe("A tenant with no data yet; it is created on the clock") })
  .strict()
  .openapi("AddTestClockTenant");

export const TestClock = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    frozenTime: z.string().describe("The clock's time now (while advancing, how far it has got)"),
    status: z.enum(CLOCK_STATUSES).describe("ready, advancing (in the background; poll until ready), or failed (see failure)"),
    advancingTo: z.string().nullable().describe("While advancing: the time it is moving to"),
    failure: z.string().nullable().describe("Why the last advance failed; advancing again resumes from frozenTime"),
    tenants: z.array(z.string()).describe("The tenants on the clock"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("TestClock");
export type TestClock = z.infer<typeof TestClock>;

export const DeletedTestClock = z
  .object({ id: z.string(), deleted: z.literal(true), tenants: z.array(z.string()).describe("The tenants deleted with it, their data included") })
  .openapi("DeletedTestClock");
