import { describe, it } from "vitest";
import { runScenario, type Scenario } from "./harness";

/**
 * Golden scenarios: every amount below was worked out by hand from the billing rules in the
 * README ("Billing rules"); test/scenarios/README.md maps them onto the coverage table.
 * Base fees split a period by the second with largest-remainder allocation, so the parts
 * of one plan's price over a period always add up to that price.
 */
const apiCalls = (unitPrice: string) => [{ metric: "apiCalls", price: { model: "per_unit", unitPrice } }] as never;

const scenarios: Scenario[] = [
  {
    name: "cancel now with proration, then subscribe again",
    covers: "issue 9 #1; cancel now; per_unit; USD",
    tenant: "gs-resubscribe",
    plans: [{ id: "gs1-p", name: "P", basePrice: 3000, meters: apiCalls("1") }],
    steps: [
      { at: "2027-01-01T00:00:00Z", subscribe: { plan: "gs1-p" } },
      { at: "2027-01-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      // 10 of 31 days: 3000 × 10/31 = 967.74 and 2032.26 → 968 + 2032 (largest remainder).
      { at: "2027-01-11T00:00:00Z", cancel: { atPeriodEnd: false, prorate: true } },
      { at: "2027-01-11T12:00:00Z", subscribe: { plan: "gs1-p", key: "again" } },
      // After the cancel: the new subscription's, never the old one's.
      { at: "2027-01-12T00:00:00Z", usage: { metric: "apiCalls", quantity: 50 } },
      { at: "2027-02-11T12:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-01-01T00:00:00Z",
        lines: [
          ["base", "P (2027-01-01 – 2027-01-11)", 968],
          ["usage", "apiCalls: 100 used, 0 included", 100],
        ],
        total: 1068,
      },
      {
        key: "again",
        periodStart: "2027-01-11T12:00:00Z",
        lines: [
          ["base", "P (2027-01-11 – 2027-02-11)", 3000],
          ["usage", "apiCalls: 50 used, 0 included", 50],
        ],
        total: 3050,
      },
    ],
  },
  {
    name: "a project subscription canceled mid-period",
    covers: "issue 9 #2 (ending); project scope; cancel now without proration",
    tenant: "gs-project-ends",
    plans: [
      { id: "gs2-t", name: "Team", basePrice: 1000, meters: apiCalls("2") },
      { id: "gs2-p", name: "Project", basePrice: 500, meters: apiCalls("1") },
    ],
    steps: [
      { at: "2027-03-01T00:00:00Z", subscribe: { plan: "gs2-t" } },
      { at: "2027-03-01T00:00:00Z", subscribe: { plan: "gs2-p", key: "project", projectId: "proj_a" } },
      { at: "2027-03-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 100, projectId: "proj_a" } },
      { at: "2027-03-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 10 } },
      { at: "2027-03-16T00:00:00Z", cancel: { key: "project", atPeriodEnd: false } },
      // proj_a has no subscription of its own any more: the tenant-wide one bills it.
      { at: "2027-03-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 40, projectId: "proj_a" } },
      { at: "2027-04-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-03-01T00:00:00Z",
        lines: [
          ["base", "Team (2027-03-01 – 2027-04-01)", 1000],
          ["usage", "apiCalls: 50 used, 0 included", 100],
        ],
        total: 1100,
      },
      {
        key: "project",
        periodStart: "2027-03-01T00:00:00Z",
        // Canceled without proration: the fee runs to the period end; usage stops at the cancel.
        lines: [
          ["base", "Project (2027-03-01 – 2027-04-01)", 500],
          ["usage", "apiCalls: 100 used, 0 included", 100],
        ],
        total: 600,
      },
    ],
  },
  {
    name: "a project subscription starting mid-period",
    covers: "issue 9 #2 (starting); project scope",
    tenant: "gs-project-starts",
    plans: [
      { id: "gs3-t", name: "Team", basePrice: 1000, meters: apiCalls("2") },
      { id: "gs3-p", name: "Project", basePrice: 500, meters: apiCalls("1") },
    ],
    steps: [
      { at: "2027-03-01T00:00:00Z", subscribe: { plan: "gs3-t" } },
      // Before proj_b has its own subscription the tenant-wide one bills it.
      { at: "2027-03-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 30, projectId: "proj_b" } },
      { at: "2027-03-10T00:00:00Z", subscribe: { plan: "gs3-p", key: "project", projectId: "proj_b" } },
      { at: "2027-03-12T00:00:00Z", usage: { metric: "apiCalls", quantity: 20, projectId: "proj_b" } },
      { at: "2027-04-01T00:00:00Z", close: true },
      { at: "2027-04-10T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-03-01T00:00:00Z",
        lines: [
          ["base", "Team (2027-03-01 – 2027-04-01)", 1000],
          ["usage", "apiCalls: 30 used, 0 included", 60],
        ],
        total: 1060,
      },
      {
        key: "project",
        periodStart: "2027-03-10T00:00:00Z",
        lines: [
          ["base", "Project (2027-03-10 – 2027-04-10)", 500],
          ["usage", "apiCalls: 20 used, 0 included", 20],
        ],
        total: 520,
      },
    ],
  },
  {
    name: "one metric, two plans with different aggregations",
    covers: "issue 9 #3; max vs sum; zero base price",
    tenant: "gs-aggregations",
    plans: [
      {
        id: "gs4-t",
        name: "Seats max",
        basePrice: 0,
        meters: [{ metric: "seats", aggregation: "max", price: { model: "per_unit", unitPrice: "100" } }] as never,
      },
      {
        id: "gs4-p",
        name: "Seats sum",
        basePrice: 0,
        meters: [{ metric: "seats", aggregation: "sum", price: { model: "per_unit", unitPrice: "10" } }] as never,
      },
    ],
    steps: [
      { at: "2027-05-01T00:00:00Z", subscribe: { plan: "gs4-t" } },
      { at: "2027-05-01T00:00:00Z", subscribe: { plan: "gs4-p", key: "project", projectId: "proj_c" } },
      { at: "2027-05-02T00:00:00Z", usage: { metric: "seats", quantity: 3, projectId: "proj_c" } },
      { at: "2027-05-03T00:00:00Z", usage: { metric: "seats", quantity: 4, projectId: "proj_c" } },
      { at: "2027-05-02T00:00:00Z", usage: { metric: "seats", quantity: 5 } },
      { at: "2027-05-04T00:00:00Z", usage: { metric: "seats", quantity: 2 } },
      { at: "2027-06-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-05-01T00:00:00Z",
        lines: [
          ["base", "Seats max (2027-05-01 – 2027-06-01)", 0],
          ["usage", "seats: 5 used, 0 included", 500],
        ],
        total: 500,
      },
      {
        key: "project",
        periodStart: "2027-05-01T00:00:00Z",
        lines: [
          ["base", "Seats sum (2027-05-01 – 2027-06-01)", 0],
          ["usage", "seats: 7 used, 0 included", 70],
        ],
        total: 70,
      },
    ],
  },
  {
    name: "a plan change now without proration",
    covers: "issue 9 #4; change now, prorate false; usage priced per segment",
    tenant: "gs-no-proration",
    plans: [
      { id: "gs5-a", name: "A", basePrice: 2000, meters: apiCalls("1") },
      { id: "gs5-b", name: "B", basePrice: 5000, meters: apiCalls("3") },
    ],
    steps: [
      { at: "2027-06-01T00:00:00Z", subscribe: { plan: "gs5-a" } },
      { at: "2027-06-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      { at: "2027-06-11T00:00:00Z", changePlan: { plan: "gs5-b", prorate: false } },
      { at: "2027-06-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      { at: "2027-07-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-06-01T00:00:00Z",
        lines: [
          ["base", "A (2027-06-01 – 2027-07-01)", 2000],
          ["usage", "apiCalls: 100 used, 0 included (A, 2027-06-01 – 2027-06-11)", 100],
          ["usage", "apiCalls: 100 used, 0 included (B, 2027-06-11 – 2027-07-01)", 300],
        ],
        total: 2400,
      },
    ],
  },
  {
    name: "a change to a plan with a zero base price",
    covers: "issue 9 #4; change now with proration; zero base price",
    tenant: "gs-to-zero",
    plans: [
      { id: "gs6-a", name: "A", basePrice: 3000, meters: apiCalls("1") },
      { id: "gs6-z", name: "Zero", basePrice: 0, meters: apiCalls("5") },
    ],
    steps: [
      { at: "2027-06-01T00:00:00Z", subscribe: { plan: "gs6-a" } },
      { at: "2027-06-02T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      { at: "2027-06-16T00:00:00Z", changePlan: { plan: "gs6-z" } },
      { at: "2027-06-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 20 } },
      { at: "2027-07-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-06-01T00:00:00Z",
        lines: [
          ["base", "A (2027-06-01 – 2027-06-16)", 1500],
          ["base", "Zero (2027-06-16 – 2027-07-01)", 0],
          ["usage", "apiCalls: 100 used, 0 included (A, 2027-06-01 – 2027-06-16)", 100],
          ["usage", "apiCalls: 20 used, 0 included (Zero, 2027-06-16 – 2027-07-01)", 100],
        ],
        total: 1700,
      },
    ],
  },
  {
    name: "editing a plan creates a version; subscribers move only by a migration",
    covers: "issue 9 #5; plan versions; migration at period end",
    tenant: "gs-versions",
    plans: [
      {
        id: "gs7-e",
        name: "E",
        description: "keeps",
        basePrice: 4000,
        meters: [{ metric: "apiCalls", limit: 1000, price: { model: "per_unit", unitPrice: "2" } }] as never,
      },
    ],
    steps: [
      { at: "2027-07-01T00:00:00Z", subscribe: { plan: "gs7-e" } },
      { at: "2027-07-02T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      { at: "2027-07-10T00:00:00Z", editPlan: { plan: "gs7-e", patch: { name: "E renamed" } } },
      { at: "2027-07-15T00:00:00Z", editPlan: { plan: "gs7-e", patch: { basePrice: 8000 } } },
      { at: "2027-07-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 100 } },
      { at: "2027-08-01T00:00:00Z", close: true },
      { at: "2027-08-10T00:00:00Z", migrate: { plan: "gs7-e", fromVersion: 1, when: "period_end" } },
      { at: "2027-09-01T00:00:00Z", close: true },
      { at: "2027-10-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-07-01T00:00:00Z",
        lines: [
          ["base", "E (2027-07-01 – 2027-08-01)", 4000],
          ["usage", "apiCalls: 200 used, 0 included", 400],
        ],
        total: 4400,
      },
      {
        periodStart: "2027-08-01T00:00:00Z",
        lines: [
          ["base", "E (2027-08-01 – 2027-09-01)", 4000],
          ["usage", "apiCalls: 0 used, 0 included", 0],
        ],
        total: 4000,
      },
      {
        periodStart: "2027-09-01T00:00:00Z",
        lines: [
          ["base", "E renamed (2027-09-01 – 2027-10-01)", 8000],
          ["usage", "apiCalls: 0 used, 0 included", 0],
        ],
        total: 8000,
      },
    ],
  },
  {
    name: "paused at the period start, canceled with proration at the half",
    covers: "issue 9 #6; pause; cancel now with proration",
    tenant: "gs-never-ran",
    plans: [{ id: "gs8-q", name: "Q", basePrice: 999 }],
    steps: [
      { at: "2027-08-01T00:00:00Z", subscribe: { plan: "gs8-q" } },
      { at: "2027-08-01T00:00:00Z", pause: {} },
      { at: "2027-08-16T12:00:00Z", cancel: { atPeriodEnd: false, prorate: true } },
      { at: "2027-09-01T00:00:00Z", close: true },
    ],
    // It never ran: nothing is billed and no credit is carried (not 999 − 500 − 500 = −1).
    invoices: [{ periodStart: "2027-08-01T00:00:00Z", lines: [], total: 0 }],
  },
  {
    name: "credits valid at the period end, not at finalization",
    covers: "issue 9 #8; credits expiring on both sides of a period end; a grant after the end",
    tenant: "gs-credits",
    plans: [{ id: "gs10-c", name: "C", basePrice: 1000 }],
    steps: [
      { at: "2027-09-01T00:00:00Z", subscribe: { plan: "gs10-c" } },
      // Expires one second after September ends: September may use it.
      { at: "2027-09-05T00:00:00Z", credit: { amount: 300, expiresAt: "2027-10-01T00:00:01Z" } },
      // Expires one second before September ends: nobody may.
      { at: "2027-09-06T00:00:00Z", credit: { amount: 400, expiresAt: "2027-09-30T23:59:59Z" } },
      // Granted after September ended (the close runs a minute later): October's to use.
      { at: "2027-10-01T00:00:30Z", credit: { amount: 200 } },
      { at: "2027-10-01T00:00:00Z", close: true },
      { at: "2027-11-01T00:00:00Z", close: true },
    ],
    invoices: [
      { periodStart: "2027-09-01T00:00:00Z", lines: [["base", "C (2027-09-01 – 2027-10-01)", 1000]], total: 1000, creditsApplied: 300, amountDue: 700 },
      { periodStart: "2027-10-01T00:00:00Z", lines: [["base", "C (2027-10-01 – 2027-11-01)", 1000]], total: 1000, creditsApplied: 200, amountDue: 800 },
    ],
  },
  {
    name: "upgrade on day 10 of a 30-day month",
    covers: "upgrade now; 30-day month",
    tenant: "gs-upgrade-30",
    plans: [
      { id: "gs12-a", name: "Basic", basePrice: 2900 },
      { id: "gs12-b", name: "Premium", basePrice: 9900 },
    ],
    steps: [
      { at: "2027-04-01T00:00:00Z", subscribe: { plan: "gs12-a" } },
      { at: "2027-04-10T00:00:00Z", changePlan: { plan: "gs12-b" } },
      { at: "2027-05-01T00:00:00Z", close: true },
    ],
    // 9 of 30 days of $29 (870) and 21 of $99 (6930).
    invoices: [
      {
        periodStart: "2027-04-01T00:00:00Z",
        lines: [
          ["base", "Basic (2027-04-01 – 2027-04-10)", 870],
          ["base", "Premium (2027-04-10 – 2027-05-01)", 6930],
        ],
        total: 7800,
      },
    ],
  },
  {
    name: "downgrade on day 10 of a 31-day month",
    covers: "downgrade now; 31-day month",
    tenant: "gs-downgrade-31",
    plans: [
      { id: "gs13-b", name: "Premium", basePrice: 9900 },
      { id: "gs13-a", name: "Basic", basePrice: 2900 },
    ],
    steps: [
      { at: "2027-03-01T00:00:00Z", subscribe: { plan: "gs13-b" } },
      { at: "2027-03-10T00:00:00Z", changePlan: { plan: "gs13-a" } },
      { at: "2027-04-01T00:00:00Z", close: true },
    ],
    // 9900 × 9/31 = 2874.19 → 2874; 2900 × 22/31 = 2058.06 → 2058.
    invoices: [
      {
        periodStart: "2027-03-01T00:00:00Z",
        lines: [
          ["base", "Premium (2027-03-01 – 2027-03-10)", 2874],
          ["base", "Basic (2027-03-10 – 2027-04-01)", 2058],
        ],
        total: 4932,
      },
    ],
  },
  {
    name: "upgrade on day 10 of February in a leap year",
    covers: "upgrade now; February 2028 (29 days)",
    tenant: "gs-leap",
    plans: [
      { id: "gs14-a", name: "Basic", basePrice: 2900 },
      { id: "gs14-b", name: "Premium", basePrice: 9900 },
    ],
    steps: [
      { at: "2028-02-01T00:00:00Z", subscribe: { plan: "gs14-a" } },
      { at: "2028-02-10T00:00:00Z", changePlan: { plan: "gs14-b" } },
      { at: "2028-03-01T00:00:00Z", close: true },
    ],
    // 2900 × 9/29 = 900 exactly; 9900 × 20/29 = 6827.59 → 6828 (its 9/29 part 3072.41 → 3072).
    invoices: [
      {
        periodStart: "2028-02-01T00:00:00Z",
        lines: [
          ["base", "Basic (2028-02-01 – 2028-02-10)", 900],
          ["base", "Premium (2028-02-10 – 2028-03-01)", 6828],
        ],
        total: 7728,
      },
    ],
  },
  {
    name: "a downgrade scheduled for the period end",
    covers: "change at period end",
    tenant: "gs-scheduled",
    plans: [
      { id: "gs15-b", name: "Premium", basePrice: 9900 },
      { id: "gs15-a", name: "Basic", basePrice: 2900 },
    ],
    steps: [
      { at: "2027-05-01T00:00:00Z", subscribe: { plan: "gs15-b" } },
      { at: "2027-05-15T00:00:00Z", changePlan: { plan: "gs15-a", when: "period_end" } },
      { at: "2027-06-01T00:00:00Z", close: true },
      { at: "2027-07-01T00:00:00Z", close: true },
    ],
    invoices: [
      { periodStart: "2027-05-01T00:00:00Z", lines: [["base", "Premium (2027-05-01 – 2027-06-01)", 9900]], total: 9900 },
      { periodStart: "2027-06-01T00:00:00Z", lines: [["base", "Basic (2027-06-01 – 2027-07-01)", 2900]], total: 2900 },
    ],
  },
  {
    name: "cancel at the period end",
    covers: "cancel at period end",
    tenant: "gs-cancel-end",
    plans: [{ id: "gs16-a", name: "Basic", basePrice: 2900, meters: apiCalls("1") }],
    steps: [
      { at: "2027-05-01T00:00:00Z", subscribe: { plan: "gs16-a" } },
      { at: "2027-05-20T00:00:00Z", cancel: {} },
      { at: "2027-05-25T00:00:00Z", usage: { metric: "apiCalls", quantity: 7 } },
      { at: "2027-06-01T00:00:00Z", close: true },
      // Usage after the end is nobody's.
      { at: "2027-06-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 9 } },
      { at: "2027-07-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-05-01T00:00:00Z",
        lines: [
          ["base", "Basic (2027-05-01 – 2027-06-01)", 2900],
          ["usage", "apiCalls: 7 used, 0 included", 7],
        ],
        total: 2907,
      },
    ],
  },
  {
    name: "a pause across a period boundary that resumes by itself",
    covers: "pause across a boundary; auto-resume",
    tenant: "gs-pause-boundary",
    plans: [{ id: "gs17-a", name: "A", basePrice: 3000 }],
    steps: [
      { at: "2027-06-01T00:00:00Z", subscribe: { plan: "gs17-a" } },
      { at: "2027-06-25T00:00:00Z", pause: { resumesAt: "2027-07-06T00:00:00Z" } },
      { at: "2027-07-01T00:00:00Z", close: true },
      { at: "2027-08-01T00:00:00Z", close: true },
    ],
    // June: 24 of 30 days = 2400. July: 26 of 31 days of one split: 483.87 (paused) + 2516.13 → 484 + 2516.
    invoices: [
      { periodStart: "2027-06-01T00:00:00Z", lines: [["base", "A (2027-06-01 – 2027-06-25)", 2400]], total: 2400 },
      { periodStart: "2027-07-01T00:00:00Z", lines: [["base", "A (2027-07-06 – 2027-08-01)", 2516]], total: 2516 },
    ],
  },
  {
    name: "project subscriptions on both sides of a period boundary",
    covers: "project scope across boundaries (different anchors)",
    tenant: "gs-project-boundary",
    plans: [
      { id: "gs18-t", name: "Team", basePrice: 1000, meters: apiCalls("2") },
      { id: "gs18-p", name: "Project", basePrice: 500, meters: apiCalls("1") },
    ],
    steps: [
      { at: "2027-07-01T00:00:00Z", subscribe: { plan: "gs18-t" } },
      { at: "2027-07-10T00:00:00Z", usage: { metric: "apiCalls", quantity: 10, projectId: "proj_x" } },
      { at: "2027-07-15T00:00:00Z", subscribe: { plan: "gs18-p", key: "project", projectId: "proj_x" } },
      { at: "2027-07-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 10, projectId: "proj_x" } },
      { at: "2027-08-01T00:00:00Z", close: true },
      { at: "2027-08-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 10, projectId: "proj_x" } },
      { at: "2027-08-15T00:00:00Z", close: true },
      { at: "2027-09-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-07-01T00:00:00Z",
        lines: [
          ["base", "Team (2027-07-01 – 2027-08-01)", 1000],
          ["usage", "apiCalls: 10 used, 0 included", 20],
        ],
        total: 1020,
      },
      {
        key: "project",
        periodStart: "2027-07-15T00:00:00Z",
        lines: [
          ["base", "Project (2027-07-15 – 2027-08-15)", 500],
          ["usage", "apiCalls: 20 used, 0 included", 20],
        ],
        total: 520,
      },
      {
        periodStart: "2027-08-01T00:00:00Z",
        lines: [
          ["base", "Team (2027-08-01 – 2027-09-01)", 1000],
          ["usage", "apiCalls: 0 used, 0 included", 0],
        ],
        total: 1000,
      },
    ],
  },
  {
    name: "a trial that ends into an active subscription (trial usage free)",
    covers: "trial; trialUsage free",
    tenant: "gs-trial-free",
    plans: [{ id: "gs23-t", name: "Trial", basePrice: 2000, trialDays: 14, meters: apiCalls("1") }],
    steps: [
      { at: "2027-10-01T00:00:00Z", subscribe: { plan: "gs23-t", trial: true } },
      { at: "2027-10-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 50 } },
      { at: "2027-10-15T00:00:00Z", close: true },
      { at: "2027-10-20T00:00:00Z", usage: { metric: "apiCalls", quantity: 30 } },
      { at: "2027-11-15T00:00:00Z", close: true },
    ],
    invoices: [
      { periodStart: "2027-10-01T00:00:00Z", lines: [], total: 0 },
      {
        periodStart: "2027-10-15T00:00:00Z",
        lines: [
          ["base", "Trial (2027-10-15 – 2027-11-15)", 2000],
          ["usage", "apiCalls: 30 used, 0 included", 30],
        ],
        total: 2030,
      },
    ],
  },
  {
    name: "a trial whose plan bills trial usage",
    covers: "trial; trialUsage billed",
    tenant: "gs-trial-billed",
    plans: [{ id: "gs24-t", name: "Trial", basePrice: 2000, trialDays: 14, trialUsage: "billed", meters: apiCalls("1") }],
    steps: [
      { at: "2027-10-01T00:00:00Z", subscribe: { plan: "gs24-t", trial: true } },
      { at: "2027-10-05T00:00:00Z", usage: { metric: "apiCalls", quantity: 50 } },
      { at: "2027-10-15T00:00:00Z", close: true },
    ],
    invoices: [{ periodStart: "2027-10-01T00:00:00Z", lines: [["usage", "apiCalls: 50 used, 0 included", 50]], total: 50 }],
  },
  {
    name: "a repeating coupon with tax and a credit",
    covers: "coupon repeating; tax; credits after tax",
    tenant: "gs-coupon-repeating",
    taxRateBps: 1000,
    plans: [{ id: "gs20-k", name: "K", basePrice: 10000 }],
    coupons: [{ code: "GS20-QUARTER", percentOff: 25, duration: "repeating", durationInMonths: 2 }],
    steps: [
      { at: "2027-01-01T00:00:00Z", subscribe: { plan: "gs20-k", coupon: "GS20-QUARTER" } },
      { at: "2027-01-02T00:00:00Z", credit: { amount: 500 } },
      { at: "2027-02-01T00:00:00Z", close: true },
      { at: "2027-03-01T00:00:00Z", close: true },
      { at: "2027-04-01T00:00:00Z", close: true },
    ],
    // 10000 − 25 % = 7500, + 10 % tax = 8250; the credit pays 500 of the first.
    invoices: [
      {
        periodStart: "2027-01-01T00:00:00Z",
        lines: [
          ["base", "K (2027-01-01 – 2027-02-01)", 10000],
          ["discount", "GS20-QUARTER: 25% off (for 2 months)", -2500],
        ],
        tax: 750,
        total: 8250,
        creditsApplied: 500,
        amountDue: 7750,
      },
      {
        periodStart: "2027-02-01T00:00:00Z",
        lines: [
          ["base", "K (2027-02-01 – 2027-03-01)", 10000],
          ["discount", "GS20-QUARTER: 25% off (for 2 months)", -2500],
        ],
        tax: 750,
        total: 8250,
        amountDue: 8250,
      },
      { periodStart: "2027-03-01T00:00:00Z", lines: [["base", "K (2027-03-01 – 2027-04-01)", 10000]], tax: 1000, total: 11000 },
    ],
  },
  {
    name: "a once coupon and a forever coupon",
    covers: "coupon once; coupon forever (amount off)",
    tenant: "gs-coupon-once-forever",
    plans: [
      { id: "gs21-k", name: "K", basePrice: 5000 },
      { id: "gs21-f", name: "F", basePrice: 3000 },
    ],
    coupons: [
      { code: "GS21-ONCE", percentOff: 50, duration: "once" },
      { code: "GS21-FOREVER", amountOff: 700, currency: "USD", duration: "forever" },
    ],
    steps: [
      { at: "2027-01-01T00:00:00Z", subscribe: { plan: "gs21-k", coupon: "GS21-ONCE" } },
      { at: "2027-01-01T00:00:00Z", subscribe: { plan: "gs21-f", key: "forever", projectId: "proj_f", coupon: "GS21-FOREVER" } },
      { at: "2027-02-01T00:00:00Z", close: true },
      { at: "2027-03-01T00:00:00Z", close: true },
    ],
    invoices: [
      {
        periodStart: "2027-01-01T00:00:00Z",
        lines: [
          ["base", "K (2027-01-01 – 2027-02-01)", 5000],
          ["discount", "GS21-ONCE: 50% off (once)", -2500],
        ],
        total: 2500,
      },
      { periodStart: "2027-02-01T00:00:00Z", lines: [["base", "K (2027-02-01 – 2027-03-01)", 5000]], total: 5000 },
      {
        key: "forever",
        periodStart: "2027-01-01T00:00:00Z",
        lines: [
          ["base", "F (2027-01-01 – 2027-02-01)", 3000],
          ["discount", "GS21-FOREVER: 700 USD off (forever)", -700],
        ],
        total: 2300,
      },
      {
        key: "forever",
        periodStart: "2027-02-01T00:00:00Z",
        lines: [
          ["base", "F (2027-02-01 – 2027-03-01)", 3000],
          ["discount", "GS21-FOREVER: 700 USD off (forever)", -700],
        ],
        total: 2300,
      },
    ],
  },
  {
    name: "JPY: an upgrade with usage",
    covers: "JPY (no minor unit); upgrade now",
    tenant: "gs-jpy",
    currency: "JPY",
    plans: [
      { id: "gs22-j", name: "J", basePrice: 1200, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "0.4" } }] as never },
      { id: "gs22-j2", name: "J2", basePrice: 2400, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "0.4" } }] as never },
    ],
    steps: [
      { at: "2027-01-01T00:00:00Z", subscribe: { plan: "gs22-j" } },
      { at: "2027-01-03T00:00:00Z", usage: { metric: "calls", quantity: 9 } },
      { at: "2027-01-11T00:00:00Z", changePlan: { plan: "gs22-j2" } },
      { at: "2027-02-01T00:00:00Z", close: true },
    ],
    // ¥1200 × 10/31 = 387.10 → 387; ¥2400 × 21/31 = 1625.81 → 1626; 9 × ¥0.4 = 3.6 → 4.
    invoices: [
      {
        periodStart: "2027-01-01T00:00:00Z",
        lines: [
          ["base", "J (2027-01-01 – 2027-01-11)", 387],
          ["base", "J2 (2027-01-11 – 2027-02-01)", 1626],
          ["usage", "calls: 9 used, 0 included (J, 2027-01-01 – 2027-01-11)", 4],
          ["usage", "calls: 0 used, 0 included (J2, 2027-01-11 – 2027-02-01)", 0],
        ],
        total: 2017,
      },
    ],
  },
  {
    name: "KWD: a prorated cancel with sub-fils usage",
    covers: "KWD (3 decimals); cancel now with proration",
    tenant: "gs-kwd",
    currency: "KWD",
    plans: [{ id: "gs25-w", name: "W", basePrice: 12345, meters: [{ metric: "calls", price: { model: "per_unit", unitPrice: "0.3333" } }] as never }],
    steps: [
      { at: "2027-02-01T00:00:00Z", subscribe: { plan: "gs25-w" } },
      { at: "2027-02-03T00:00:00Z", usage: { metric: "calls", quantity: 3 } },
      { at: "2027-02-14T00:00:00Z", cancel: { atPeriodEnd: false, prorate: true } },
      { at: "2027-03-01T00:00:00Z", close: true },
    ],
    // 12345 fils × 13/28 = 5731.61 → 5732 (its 15/28 part 6613.39 → 6613); 3 × 0.3333 = 0.9999 → 1.
    invoices: [
      {
        periodStart: "2027-02-01T00:00:00Z",
        lines: [
          ["base", "W (2027-02-01 – 2027-02-14)", 5732],
          ["usage", "calls: 3 used, 0 included", 1],
        ],
        total: 5733,
      },
    ],
  },
];

describe("golden billing scenarios", () => {
  for (const s of scenarios) it(`${s.name} [${s.covers}]`, () => runScenario(s));
});
