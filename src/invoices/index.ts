// The invoices module's public face: what code outside the module (the seed surfaces first)
// calls. Its tables and store stay behind it.
export { attachPaymentIntent, findInvoice, getInvoice, getIssuedInvoice, listInvoices, listIssuedInvoices, loadInvoice, type IssuedInvoice } from "./store";
export { invoicePdf } from "./lifecycle";
export { pdfDownload } from "./download";
export type { Invoice } from "./schemas";
export { invoiceStripeHandlers } from "./stripe-events";
