import type { z } from "@hono/zod-openapi";
import { CLOCK_ID } from "../docs/story";
import type { AdvanceTestClock, CreateTestClock, TestClock } from "./schemas";

// Examples for the OpenAPI document (the story: src/docs/story.ts).

export const CREATE_TEST_CLOCK_REQUEST = { name: "March renewals", frozenTime: "2027-03-01T00:00:00Z" } satisfies z.input<typeof CreateTestClock>;

export const TEST_CLOCK = {
  id: CLOCK_ID,
  name: "March renewals",
  frozenTime: "2027-03-01T00:00:00.000Z",
  status: "ready",
  advancingTo: null,
  failure: null,
  tenants: [],
  createdAt: "2026-12-01T09:30:00.000Z",
  updatedAt: "2026-12-01T09:30:00.000Z",
} satisfies z.infer<typeof TestClock>;

export const ADVANCE_TEST_CLOCK_REQUEST = { frozenTime: "2027-04-01T12:00:00Z" } satisfies z.input<typeof AdvanceTestClock>;

export const ADVANCING_TEST_CLOCK = {
  ...TEST_CLOCK,
  frozenTime: "2027-03-10T00:00:00.000Z",
  status: "advancing",
  advancingTo: "2027-04-01T12:00:00.000Z",
  tenants: ["acme"],
  updatedAt: "2026-12-01T09:41:12.000Z",
} satisfies z.infer<typeof TestClock>;
