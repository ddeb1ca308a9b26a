import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { afterEach, beforeEach, vi } from "vitest";
import { database } from "../../src/db/client";
import { invoices, type InvoiceRow } from "../../src/invoices/table";

export const SECRET_KEY = "sk_test_fake_0123456789";
export const WEBHOOK_SECRET = "whsec_test_fake_0123456789";
export const API_BASE = "http://127.0.0.1:12111";

/** One request the worker sent to Stripe: form fields flattened as Stripe encodes them (`metadata[tenantId]`). */
export interface StripeCall {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey: string | null;
}

type Obj = Record<string, any>;
type Handler = (params: Record<string, string>, match: string[]) => { status?: number; body: Obj };

const stripeError = (status: number, type: string, message: string, extra: Obj = {}) => ({
  status,
  body: { error: { type, message, ...extra } },
});
const missing = (what: string, id: string, param = "id") =>
  stripeError(404, "invalid_request_error", `No such ${what}: '${id}'`, { code: "resource_missing", param });

/**
 * Stripe's documented amount rules (docs "Supported currencies"): ISK amounts keep two decimals
 * but must be whole krónur (a multiple of 100); three-decimal currencies must end in 0.
 * A request that breaks one gets Stripe's 400 `invalid_request_error` on `amount`.
 */
function amountProblem(currency: string | undefined, amount: string | undefined, param: string) {
  if (currency === undefined || amount === undefined) return null;
  const n = Number(amount);
  const step = currency === "isk" ? 100 : ["bhd", "jod", "kwd", "omr", "tnd"].includes(currency) ? 10 : 1;
  if (Number.isInteger(n) && n % step === 0) return null;
  return stripeError(400, "invalid_request_error", `Invalid amount for ${currency}: must be a multiple of ${step}`, { code: "invalid_amount", param });
}

/**
 * Stripe's API as far as this service uses it, behind the outbound fetch boundary: it reads
 * form-encoded requests, keeps customers, payment methods and intents in memory, answers with
 * Stripe-shaped JSON objects and error bodies, and honours idempotency keys as Stripe does
 * (same key and parameters → the first response; other parameters → 400 idempotency_error).
 */
export class FakeStripe {
  readonly calls: StripeCall[] = [];
  readonly customers = new Map<string, Obj>();
  readonly paymentMethods = new Map<string, Obj>();
  readonly paymentIntents = new Map<string, Obj>();
  /** Answer the next request with this error instead (e.g. a declined card). */
  failNext?: { status: number; body: Obj };
  /** Answer the next request to this method and path with this error (e.g. a card declined on confirm). */
  failNextAt?: { method: string; path: string; status: number; body: Obj };
  private seq = 0;
  private idempotent = new Map<string, { fingerprint: string; status: number; body: Obj }>();

  private id(prefix: string) {
    this.seq += 1;
    return `${prefix}_fake${String(this.seq).padStart(6, "0")}`;
  }

  /** Calls to one endpoint, e.g. `callsTo("POST", "/v1/customers")`. */
  callsTo(method: string, path: string | RegExp): StripeCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === "string" ? c.path === path : path.test(c.path)));
  }

  /** A payment method as Stripe.js creates it in the browser: not yet attached to anyone. */
  addPaymentMethod(type: "card" | "sepa_debit" = "card", details: Obj = {}): string {
    const id = this.id("pm");
    const card = { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030, country: "US", funding: "credit", ...details };
    const sepa = { bank_code: "37040044", country: "DE", last4: "3000", fingerprint: "fp", ...details };
    this.paymentMethods.set(id, {
      id,
      object: "payment_method",
      type,
      customer: null,
      created: 1_767_225_600,
      livemode: false,
      metadata: {},
      billing_details: { name: null, email: null },
      ...(type === "card" ? { card } : { sepa_debit: sepa }),
    });
    return id;
  }

  private routes: [string, RegExp, Handler][] = [
    [
      "POST",
      /^\/v1\/customers$/,
      (p) => {
        const id = this.id("cus");
        const customer = {
          id,
          object: "customer",
          name: p.name ?? null,
          email: p.email ?? null,
          metadata: metadata(p),
          invoice_settings: { default_payment_method: null },
          created: 1_767_225_600,
          livemode: false,
        };
        this.customers.set(id, customer);
        return { body: customer };
      },
    ],
    [
      "GET",
      /^\/v1\/customers\/([^/]+)$/,
      (_p, [id]) => {
        const customer = this.customers.get(id!);
        return customer ? { body: customer } : missing("customer", id!);
      },
    ],
    [
      "POST",
      /^\/v1\/customers\/([^/]+)$/,
      (p, [id]) => {
        const customer = this.customers.get(id!);
        if (!customer) return missing("customer", id!);
        if ("invoice_settings[default_payment_method]" in p) {
          customer.invoice_settings.default_payment_method = p["invoice_settings[default_payment_method]"] || null;
        }
        return { body: customer };
      },
    ],
    [
      "GET",
      /^\/v1\/customers\/([^/]+)\/payment_methods$/,
      (_p, [id]) => {
        if (!this.customers.has(id!)) return missing("customer", id!);
        const data = [...this.paymentMethods.values()].filter((pm) => pm.customer === id).reverse();
        return { body: { object: "list", data, has_more: false, url: `/v1/customers/${id}/payment_methods` } };
      },
    ],
    [
      "GET",
      /^\/v1\/payment_methods\/([^/]+)$/,
      (_p, [id]) => {
        const pm = this.paymentMethods.get(id!);
        return pm ? { body: pm } : missing("PaymentMethod", id!);
      },
    ],
    [
      "POST",
      /^\/v1\/payment_methods\/([^/]+)\/attach$/,
      (p, [id]) => {
        const pm = this.paymentMethods.get(id!);
        if (!pm) return missing("PaymentMethod", id!);
        if (!this.customers.has(p.customer!)) return missing("customer", p.customer!, "customer");
        if (pm.customer && pm.customer !== p.customer) {
          return stripeError(400, "invalid_request_error", "The payment method you provided has already been attached to a customer.");
        }
        pm.customer = p.customer;
        return { body: pm };
      },
    ],
    [
      "POST",
      /^\/v1\/payment_methods\/([^/]+)\/detach$/,
      (_p, [id]) => {
        const pm = this.paymentMethods.get(id!);
        if (!pm) return missing("PaymentMethod", id!);
        if (!pm.customer)
          return stripeError(400, "invalid_request_error", "The payment method you provided is not attached to a customer so detachment is impossible.");
        for (const c of this.customers.values()) {
          if (c.id === pm.customer && c.invoice_settings.default_payment_method === id) c.invoice_settings.default_payment_method = null;
        }
        pm.customer = null;
        return { body: pm };
      },
    ],
    [
      "POST",
      /^\/v1\/checkout\/sessions$/,
      (p) => {
        const bad = amountProblem(
          p["line_items[0][price_data][currency]"],
          p["line_items[0][price_data][unit_amount]"],
          "line_items[0][price_data][unit_amount]",
        );
        if (bad) return bad;
        const id = this.id("cs_test");
        return {
          body: {
            id,
            object: "checkout.session",
            mode: p.mode,
            customer: p.customer ?? null,
            client_reference_id: p.client_reference_id ?? null,
            metadata: metadata(p),
            status: "open",
            url: `https://checkout.stripe.com/c/pay/${id}`,
            success_url: p.success_url,
            cancel_url: p.cancel_url,
          },
        };
      },
    ],
    [
      "POST",
      /^\/v1\/billing_portal\/sessions$/,
      (p) => {
        const id = this.id("bps");
        return {
          body: { id, object: "billing_portal.session", customer: p.customer, return_url: p.return_url, url: `https://billing.stripe.com/p/session/${id}` },
        };
      },
    ],
    [
      "POST",
      /^\/v1\/payment_intents$/,
      (p) => {
        const bad = amountProblem(p.currency, p.amount, "amount");
        if (bad) return bad;
        const id = this.id("pi");
        const intent = {
          id,
          object: "payment_intent",
          amount: Number(p.amount),
          amount_received: 0,
          currency: p.currency,
          customer: p.customer ?? null,
          description: p.description ?? null,
          metadata: metadata(p),
          payment_method: p.payment_method ?? null,
          // Confirmed with a payment method (off-session), a test card succeeds at once; failNext declines it.
          status: p.confirm === "true" && p.payment_method ? "succeeded" : "requires_payment_method",
          client_secret: `${id}_secret_fake`,
          livemode: false,
        };
        if (intent.status === "succeeded") intent.amount_received = intent.amount;
        this.paymentIntents.set(id, intent);
        return { body: intent };
      },
    ],
    [
      "GET",
      /^\/v1\/payment_intents\/([^/]+)$/,
      (_p, [id]) => {
        const intent = this.paymentIntents.get(id!);
        return intent ? { body: intent } : missing("payment_intent", id!, "intent");
      },
    ],
    [
      "POST",
      /^\/v1\/setup_intents$/,
      (p) => {
        const id = this.id("seti");
        return {
          body: {
            id,
            object: "setup_intent",
            customer: p.customer,
            usage: p.usage,
            status: "requires_payment_method",
            client_secret: `${id}_secret_fake`,
            metadata: metadata(p),
          },
        };
      },
    ],
  ];

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const raw = request.method === "GET" ? url.search.slice(1) : new TextDecoder().decode(await request.arrayBuffer());
    const params = Object.fromEntries(new URLSearchParams(raw));
    const idempotencyKey = request.headers.get("idempotency-key");
    this.calls.push({ method: request.method, path: url.pathname, params, idempotencyKey });

    if (request.headers.get("authorization") !== `Bearer ${SECRET_KEY}`) {
      return reply(stripeError(401, "invalid_request_error", "Invalid API Key provided"));
    }
    const fingerprint = `${request.method} ${url.pathname} ${raw}`;
    const previous = idempotencyKey ? this.idempotent.get(idempotencyKey) : undefined;
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return reply(
          stripeError(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with."),
        );
      }
      return reply(previous, { "idempotent-replayed": "true" });
    }
    const at = this.failNextAt;
    const targeted = at && at.method === request.method && at.path === url.pathname;
    if (this.failNext || targeted) {
      const failure = targeted ? at : this.failNext!;
      if (targeted) this.failNextAt = undefined;
      else this.failNext = undefined;
      // Like Stripe, a request's 4xx answer is what its idempotency key replays.
      if (idempotencyKey && request.method === "POST" && failure.status < 500) this.idempotent.set(idempotencyKey, { fingerprint, ...failure });
      return reply(failure);
    }
    for (const [method, pattern, handle] of this.routes) {
      const match = request.method === method ? pattern.exec(url.pathname) : null;
      if (!match) continue;
      const result = handle(params, match.slice(1));
      const answer = { status: result.status ?? 200, body: structuredClone(result.body) };
      if (idempotencyKey && request.method === "POST" && answer.status < 500) this.idempotent.set(idempotencyKey, { fingerprint, ...answer });
      return reply(answer);
    }
    return reply(stripeError(404, "invalid_request_error", `Unrecognized request URL (${request.method}: ${url.pathname}).`));
  };
}

function metadata(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([k]) => k.startsWith("metadata["))
      .map(([k, v]) => [k.slice("metadata[".length, -1), v]),
  );
}

function reply({ status = 200, body }: { status?: number; body: Obj }, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "request-id": `req_fake${Math.random().toString(36).slice(2, 10)}`, ...headers },
  });
}

const STRIPE_ENV = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"] as const;

/**
 * Per test: a fresh fake behind `fetch` (requests to API_BASE go to it; anything else is a
 * test failure), and the worker configured with test keys. Both are undone after each test.
 */
export function useFakeStripe(): { readonly fake: FakeStripe } {
  const state = { fake: new FakeStripe() };
  const saved: Partial<Record<(typeof STRIPE_ENV)[number], string | undefined>> = {};
  beforeEach(() => {
    state.fake = new FakeStripe();
    for (const key of STRIPE_ENV) saved[key] = env[key];
    Object.assign(env, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: API_BASE });
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new Request(input, init).url;
      if (!url.startsWith(`${API_BASE}/`)) throw new Error(`unexpected outbound request to ${url}`);
      return state.fake.fetch(input, init);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    for (const key of STRIPE_ENV) {
      if (saved[key] === undefined) delete env[key];
      else env[key] = saved[key];
    }
  });
  return state;
}

/** Runs `fn` with Stripe unconfigured (no secret key and no webhook secret). */
export async function withoutStripe<T>(fn: () => Promise<T>): Promise<T> {
  const key = env.STRIPE_SECRET_KEY;
  const secret = env.STRIPE_WEBHOOK_SECRET;
  // Required by wrangler.toml [secrets], so typed present; the code still answers 503 without them.
  const unset: Partial<Cloudflare.Env> = env;
  delete unset.STRIPE_SECRET_KEY;
  delete unset.STRIPE_WEBHOOK_SECRET;
  try {
    return await fn();
  } finally {
    env.STRIPE_SECRET_KEY = key;
    env.STRIPE_WEBHOOK_SECRET = secret;
  }
}

/** A Stripe event as delivered to a webhook endpoint. */
export function stripeEvent(type: string, object: Record<string, unknown>, opts: { id?: string; created?: number } = {}) {
  return {
    id: opts.id ?? `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** The body and `Stripe-Signature` header Stripe would send for `event`. */
export async function signed(event: object, secret = WEBHOOK_SECRET, timestamp?: number) {
  const body = JSON.stringify(event);
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret, timestamp });
  return { body, headers: { "stripe-signature": signature, "content-type": "application/json" } };
}

let invoiceSeq = 0;

/** Inserts an invoice row as the invoices module stores it (default: open, USD 12345 due). */
export async function insertInvoice(tenantId: string, fields: Partial<InvoiceRow> = {}): Promise<InvoiceRow> {
  const now = Date.UTC(2026, 0, 31);
  const row: InvoiceRow = {
    id: `inv_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
    tenantId,
    subscriptionId: null,
    periodKey: `test:${crypto.randomUUID()}`,
    number: `INV-2026-${String((invoiceSeq += 1)).padStart(6, "0")}`,
    status: "open",
    currency: "USD",
    periodStart: Date.UTC(2026, 0, 1),
    periodEnd: Date.UTC(2026, 1, 1),
    subtotal: 12345,
    discountTotal: 0,
    taxRateBps: 0,
    taxAmount: 0,
    total: 12345,
    creditsApplied: 0,
    amountDue: 12345,
    billingSnapshot: null,
    pdfKey: null,
    stripePaymentIntentId: null,
    createdAt: now,
    updatedAt: now,
    finalizedAt: now,
    dueAt: now + 30 * 86_400_000,
    paidAt: null,
    voidedAt: null,
    ...fields,
  };
  await database(env.DB).insert(invoices).values(row);
  return row;
}
