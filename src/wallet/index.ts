// The wallet's public face. Its storage (ledger.ts) lives inside the tenant's meter, which
// debits usage as it counts it; everything else reaches the wallet through these functions.
export { WalletLedger } from "./ledger";
export { costOf } from "./marginal";
export { noticeStatements, tellWalletNotices, writeWalletNotices, TOP_UP_KIND } from "./notices";
export { walletRoutes } from "./routes";
export {
  carryForwardStatement,
  deliverCarryForward,
  deliverRestore,
  invoiceCredit,
  restoreStatement,
  settleInvoice,
  WALLET_GRANT_KIND,
  WALLET_RESTORE_KIND,
} from "./invoicing";
export { grantCredit, type CreditGrant } from "./service";
export type { GrantInput, Settlement, WalletBalance, WalletEntry, WalletNotice, WalletSettings, WalletView } from "./types";
export { CreditGrant as CreditGrantSchema } from "./schemas";
export { deliverTopUp } from "./top-up";
export { walletStripeHandlers } from "./stripe-events";
