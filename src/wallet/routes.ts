import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { principalOf } from "../http/auth";
import { envelope, jsonBody, jsonResponses, ok, okPage, okWith, pageEnvelope } from "../http/envelope";
import { PageQuery } from "../http/pagination";
import { createRouter, described, secured } from "../http/router";
import { Currency } from "../lib/currency";
import { TenantId } from "../http/fields";
import { clockNow } from "../clock";
import { AutoTopUpInput, CreateGrant, CreditBalances, GrantCreated, Wallet, WalletSettingsInput, WalletTransaction } from "./schemas";
import { creditBalances, getWallet, grantCredit, listTransactions, operatorGrant, saveAutoTopUp, saveWalletSettings } from "./service";

const tags = ["Wallet"];
const TransactionsQuery = PageQuery.extend({ currency: Currency.optional() });
const Params = z.object({ tenantId: TenantId });

/** The transaction list, under its name and under the credit ledger's older one. */
const transactionsRoute = (path: string, operationId: string, summary: string, description: string) =>
  createRoute({
    method: "get",
    path,
    tags,
    operationId,
    summary,
    ...described(description, secured("billing:read", "billing:update")),
    request: { params: Params, query: TransactionsQuery },
    responses: jsonResponses(pageEnvelope(WalletTransaction)),
  });
const walletTransactions = transactionsRoute(
  "/tenants/{tenantId}/wallet/transactions",
  "listWalletTransactions",
  "Wallet transactions, newest first",
  "Every movement of the wallet's grants: grants, real-time usage debits (with the event and metric), repricing returns, what invoices consumed and gave back, restores when an invoice is voided. Paginated; `currency` filters.",
);
const creditMovements = transactionsRoute(
  "/tenants/{tenantId}/credits/movements",
  "listCreditMovements",
  "Credit movements, newest first",
  "The wallet's transactions under their older name: the same list as `GET …/wallet/transactions`.",
);
const transactionsPage: RouteHandler<typeof walletTransactions, AppEnv> = async (c) => {
  const { limit, cursor, currency } = c.req.valid("query");
  const page = await listTransactions(c.env, c.req.valid("param").tenantId, { limit, cursor, currency });
  return okPage(c, page.items, page.nextCursor, limit);
};

export const walletRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/tenants/{tenantId}/wallet/grants",
      tags,
      operationId: "createWalletGrant",
      summary: "Grant prepaid credit",
      ...described(
        "Adds prepaid credit to the tenant's wallet, once per `grantId` (a repeat answers 200 with the grant as it is). A tenant without a wallet gets one with policy `block`: from then on every priced usage event is debited at its marginal price as it is counted, and refused with 402 `INSUFFICIENT_CREDITS` when the balance cannot pay for it.",
        secured("admin"),
      ),
      request: { params: Params, ...jsonBody(CreateGrant) },
      responses: {
        ...jsonResponses(envelope(GrantCreated), "Created", 201),
        200: { description: "Already granted (same grantId)", content: { "application/json": { schema: envelope(GrantCreated) } } },
      },
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      const {
        created,
        movement: _,
        ...body
      } = await grantCredit(c.env, tenantId, operatorGrant(c.req.valid("json"), principalOf(c).sub), await clockNow(c), true);
      return created ? okWith(c, body, 201) : ok(c, body);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/wallet",
      tags,
      operationId: "getWallet",
      summary: "Wallet balance, grants and settings",
      ...described(
        "The balance per currency (`available`: unexpired credit less what open holds reserve; `held`), every grant with what remains of it and when it expires, and the wallet's policy. Read from the tenant's meter, so it includes the usage counted a moment ago.",
        secured("billing:read", "billing:update"),
      ),
      request: { params: Params },
      responses: jsonResponses(envelope(Wallet)),
    }),
    async (c) => ok(c, await getWallet(c.env, c.req.valid("param").tenantId, await clockNow(c))),
  )
  .openapi(walletTransactions, transactionsPage)
  .openapi(
    createRoute({
      method: "put",
      path: "/tenants/{tenantId}/wallet/settings",
      tags,
      operationId: "updateWalletSettings",
      summary: "Set the wallet's policy and low-balance threshold",
      ...described(
        "`block` refuses usage the balance cannot pay for; `overdraft` accepts it and invoices what the balance did not cover. Saving settings gives a tenant without a wallet one.",
        secured("billing:update"),
      ),
      request: { params: Params, ...jsonBody(WalletSettingsInput) },
      responses: jsonResponses(envelope(Wallet)),
    }),
    async (c) => ok(c, await saveWalletSettings(c.env, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c))),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/tenants/{tenantId}/wallet/auto-top-up",
      tags,
      operationId: "updateAutoTopUp",
      summary: "Top the wallet up automatically",
      ...described(
        "When a debit takes the available balance below `threshold`, `amount` is charged off-session to the tenant's default Stripe payment method (at most `maxPerMonth` times a calendar month); the credit is granted when Stripe confirms the payment. A failed charge turns auto top-up off (`credits.top_up.failed`) until it is saved again.",
        secured("billing:update"),
      ),
      request: { params: Params, ...jsonBody(AutoTopUpInput) },
      responses: jsonResponses(envelope(Wallet)),
    }),
    async (c) => ok(c, await saveAutoTopUp(c.env, c.req.valid("param").tenantId, c.req.valid("json"), await clockNow(c))),
  )
  // The credit views every tenant has had (credit granted on a subscription is a wallet grant).
  .openapi(
    createRoute({
      method: "get",
      path: "/tenants/{tenantId}/credits",
      tags,
      operationId: "getCreditBalance",
      summary: "Credit balance per currency",
      ...described("The tenant's unexpired credit per currency (the wallet's balance, holds included), as of now.", secured("billing:read", "billing:update")),
      request: { params: Params },
      responses: jsonResponses(envelope(CreditBalances)),
    }),
    async (c) => {
      const { tenantId } = c.req.valid("param");
      return ok(c, { tenantId, balances: await creditBalances(c.env, tenantId, await clockNow(c)) });
    },
  )
  .openapi(creditMovements, transactionsPage);
