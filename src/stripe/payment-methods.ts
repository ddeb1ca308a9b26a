import type { Db } from "../db/client";
import { ApiError, notFound } from "../http/errors";
import { upstream, type Stripe } from "./client";
import { ensureCustomer, existingCustomer } from "./customers";

/**
 * A payment method as seed 002 shows it. `id` is Stripe's payment method id (`pm_…`): the
 * methods live in Stripe, and its id is already stable and unguessable, so we keep no mapping.
 */
export interface OrganizationPaymentMethod {
  id: string;
  payment_type: string;
  default: boolean;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  /** Masked (`DE****3000`): Stripe never returns a full IBAN. */
  iban: string | null;
}

const idOf = (ref: string | { id: string } | null | undefined) => (typeof ref === "string" ? ref : (ref?.id ?? null));

function view(pm: Stripe.PaymentMethod, defaultId: string | null): OrganizationPaymentMethod {
  const { card, sepa_debit: sepa } = pm;
  return {
    id: pm.id,
    payment_type: pm.type,
    default: pm.id === defaultId,
    brand: card?.brand ?? null,
    last4: card?.last4 ?? sepa?.last4 ?? null,
    exp_month: card?.exp_month ?? null,
    exp_year: card?.exp_year ?? null,
    iban: sepa?.last4 ? `${sepa.country ?? ""}****${sepa.last4}` : null,
  };
}

/** The customer's default payment method id, or undefined if the customer was deleted in Stripe. */
async function defaultMethod(stripe: Stripe, customerId: string): Promise<string | null | undefined> {
  const customer = await upstream("customer retrieve", () => stripe.customers.retrieve(customerId));
  if (customer.deleted) return undefined;
  return idOf(customer.invoice_settings?.default_payment_method);
}

export async function listPaymentMethods(db: Db, stripe: Stripe, tenantId: string): Promise<OrganizationPaymentMethod[]> {
  const customerId = await existingCustomer(db, tenantId);
  if (!customerId) return [];
  const [defaultId, methods] = await Promise.all([
    defaultMethod(stripe, customerId),
    upstream("payment method list", () => stripe.customers.listPaymentMethods(customerId, { limit: 100 }).autoPagingToArray({ limit: 1000 })),
  ]);
  if (defaultId === undefined) return [];
  return methods.map((pm) => view(pm, defaultId));
}

/** Attaches a method collected by Stripe.js; the organization's first method becomes its default. */
export async function attachPaymentMethod(db: Db, stripe: Stripe, tenantId: string, paymentMethodId: string, now: number): Promise<OrganizationPaymentMethod> {
  const customerId = await ensureCustomer(db, stripe, tenantId, now);
  const pm = await upstream("payment method attach", () => stripe.paymentMethods.attach(paymentMethodId, { customer: customerId }));
  let defaultId = await defaultMethod(stripe, customerId);
  if (!defaultId) {
    await setDefault(stripe, customerId, pm.id);
    defaultId = pm.id;
  }
  return view(pm, defaultId);
}

/** The method if it is attached to this organization's customer; 404 otherwise (never another's). */
async function ownedMethod(db: Db, stripe: Stripe, tenantId: string, paymentMethodId: string): Promise<{ pm: Stripe.PaymentMethod; customerId: string }> {
  const customerId = await existingCustomer(db, tenantId);
  if (!customerId) throw notFound("Payment method", paymentMethodId);
  const pm = await upstream("payment method retrieve", () => stripe.paymentMethods.retrieve(paymentMethodId));
  if (idOf(pm.customer) !== customerId) throw notFound("Payment method", paymentMethodId);
  return { pm, customerId };
}

function setDefault(stripe: Stripe, customerId: string, paymentMethodId: string) {
  return upstream("customer update", () => stripe.customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } }));
}

export async function setDefaultPaymentMethod(db: Db, stripe: Stripe, tenantId: string, paymentMethodId: string): Promise<OrganizationPaymentMethod> {
  const { pm, customerId } = await ownedMethod(db, stripe, tenantId, paymentMethodId);
  await setDefault(stripe, customerId, pm.id);
  return view(pm, pm.id);
}

export async function detachPaymentMethod(db: Db, stripe: Stripe, tenantId: string, paymentMethodId: string): Promise<{ id: string; deleted: true }> {
  const { pm } = await ownedMethod(db, stripe, tenantId, paymentMethodId);
  await upstream("payment method detach", () => stripe.paymentMethods.detach(pm.id));
  return { id: pm.id, deleted: true };
}

/** A SetupIntent for Stripe.js `confirmSetup`: saves a method for later, off-session charges. */
export async function createSetupIntent(db: Db, stripe: Stripe, tenantId: string, now: number): Promise<{ client_secret: string }> {
  const customerId = await ensureCustomer(db, stripe, tenantId, now);
  const intent = await upstream("setup intent create", () =>
    stripe.setupIntents.create({ customer: customerId, usage: "off_session", metadata: { tenantId } }),
  );
  if (!intent.client_secret) throw new ApiError("UPSTREAM_ERROR", "Stripe returned a setup intent without a client secret");
  return { client_secret: intent.client_secret };
}
