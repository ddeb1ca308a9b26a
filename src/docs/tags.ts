/**
 * The OpenAPI document's top-level `tags`: every tag an operation uses, in the order the
 * reference shows them, each with what it groups. test/http/openapi.test.ts checks that every
 * operation's tags are listed here and that each entry is used.
 */
export const API_TAGS = [
  {
    name: "Plans",
    description:
      "The price list: each plan's base fee, interval, trial and meters (aggregation, included quantity, limit, price model). Plans are versioned: an update writes a new version, and subscriptions stay on the version they took until they change plan or are migrated.",
  },
  {
    name: "Subscriptions",
    description:
      "A tenant's subscriptions to plans (tenant-wide, or per project) and their lifecycle: create, change plan with or without proration, cancel, reactivate, pause, resume, discounts and credits. Changes accept an `Idempotency-Key` header.",
  },
  {
    name: "Coupons",
    description:
      "Platform-wide discount codes. Admins create, list and deactivate them; a tenant validates and redeems a code for its own subscription (once per tenant).",
  },
  {
    name: "Wallet",
    description:
      "Prepaid credit: grants (with priority, expiry and the metrics they may pay for), the balance, every transaction. Once a tenant has a wallet, each priced usage event is debited at its marginal price in the meter's transaction that counts it (`block` refuses what the balance cannot pay, 402 INSUFFICIENT_CREDITS; `overdraft` invoices it), and invoices settle against those debits and the balance.",
  },
  {
    name: "Usage",
    description:
      "Metered usage: single events recorded synchronously through the tenant's meter (deduplicated by `eventId`, checked against quotas), batches of up to 1,000 through the queue, CloudEvents 1.0, and usage summaries.",
  },
  {
    name: "Quotas",
    description:
      "Usage limits per metric and window, hard (refuse with 402) or soft (flag only). A plan's meter limits are the default quotas; tenants may tighten them and operators override them.",
  },
  {
    name: "Entitlements",
    description:
      "What a tenant's plan entitles it to right now: boolean features (on or off), static values (a support tier, a seat count) and metered features with their limit, usage and what is left, answered by the tenant's meter without a database read; and a check of one feature before using it.",
  },
  {
    name: "Billing preview",
    description: "What the current period's invoice would be right now, line by line, and a linear estimate of the period's total.",
  },
  {
    name: "Invoices",
    description:
      "Invoices per subscription period: generate the draft, finalize it (numbered, PDF rendered, credits consumed), void it, list, export as CSV and download the PDF. Amounts are integers in the currency's minor unit.",
  },
  {
    name: "Stripe",
    description:
      "Payments through Stripe: hosted Checkout for a subscription, the customer portal, a PaymentIntent for an open invoice, and Stripe's own webhook, which authenticates by signature instead of a token.",
  },
  {
    name: "Real-time cost",
    description:
      "What a tenant spends in the current billing period, live (the same figures as the billing preview), broken down and over time, with cost and usage alerts.",
  },
  {
    name: "Webhooks",
    description:
      "Webhook endpoints a tenant registers to hear about its events (Standard Webhooks 1.0 signatures), the delivery log, the event log and redelivery. The events themselves are listed under Webhook events.",
  },
  {
    name: "Webhook events",
    description:
      "What the service sends to tenants' webhook endpoints: a signed POST of `{type, timestamp, data}` per event, at least once and in order per endpoint. Verify `webhook-signature` and deduplicate on `webhook-id`; any 2xx acknowledges.",
  },
  {
    name: "Tenants",
    description:
      "A tenant's billing settings (name, billing email and address, currency, tax rate, rounding mode) and, for operators, the list of every tenant with its plan and period-to-date total.",
  },
  {
    name: "Cost centers",
    description: "A tenant's cost centers, with optional budgets: usage events name one in `costCenterId`, and real-time cost breaks spend down by them.",
  },
  {
    name: "Spend items",
    description:
      "What a tenant pays its own providers (cloud, LLM APIs, SaaS): one item per cost, with provider, service, tags and category, in integer minor units; and full-text search over them.",
  },
  {
    name: "Spend categories",
    description: "Categories for spend items, unique by name per tenant (case-insensitively). Deleting one leaves its items uncategorized.",
  },
  {
    name: "Spend reports",
    description:
      "Spend totals, breakdowns and trends over the items, one currency at a time (never summed across currencies), as JSON or CSV; and the spend store's status.",
  },
  {
    name: "Spend sync",
    description:
      "Imports of daily provider costs (OpenAI, Anthropic, AWS Cost Explorer, GCP billing export) into spend items, idempotently, and the history of those sync jobs.",
  },
  {
    name: "Test clocks",
    description:
      'For development and staging: a frozen time that the billing of the tenants created on it runs on, advanced on demand to see renewals, trial ends, invoices and webhooks months ahead in seconds. Off (404) unless `TEST_CLOCKS` is `"true"`.',
  },
  {
    name: "Organization billing (compatibility API)",
    description:
      'The organization-level billing API, served at its own paths (`/billing/usage?organization_id=`, `/subscriptions`, `/invoices`, `/organizations/{id}/invoices`) so its clients work unchanged: an organization is a tenant, fields are snake_case, money is `{cents, currency_iso}`, and errors are `{"error": {"code", "message"}}`. Internal invoices show the metered view; the organization\'s invoices are the finalized, legally binding ones with their PDF.',
  },
  {
    name: "Organization payment methods (compatibility API)",
    description:
      'Stripe payment methods attached to an organization (a tenant), in the organization-level API\'s shapes: list, attach, set the default, remove, and a SetupIntent for Stripe.js. Errors are `{"error": {"code", "message"}}`.',
  },
  {
    name: "App billing (compatibility API)",
    description:
      'The compact billing API an app calls for its own account, at `/billing/…`: it always acts on the token\'s own tenant (no tenant in the path), with flat bodies (`{url}`, `{invoices: […]}`) and errors as `{"error": "<HTTP reason>", "message", "code"}`. Over a plan limit, `POST /billing/usage` answers 402 with the usage and the limit.',
  },
] as const;

export type ApiTag = (typeof API_TAGS)[number]["name"];
