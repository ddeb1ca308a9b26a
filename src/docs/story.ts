// The story the OpenAPI document's examples tell, each module's in its own examples.ts: taken
// from a real run of the API, tenant `acme` lives on a test clock set to 1 March 2027,
// subscribes to `pro`, records usage, upgrades to the metered `scale` plan on 10 March
// (prorated), and gets March's invoice when the clock passes 1 April. The types tie each
// example to its schema, and the OpenAPI linters (scripts/lint-openapi.mjs) check them too.

export const SUBSCRIPTION_ID = "sub_01kbz3q2x8a7m4c9d2e5f6g7h8";
export const INVOICE_ID = "inv_01kbz3q7m2d4r8t1v6w9x3y5za";
export const CLOCK_ID = "clk_01kbz3q2x8a7m4c9d2e5f6g7h8";
export const PERIOD = { periodStart: "2027-03-01T00:00:00.000Z", periodEnd: "2027-04-01T00:00:00.000Z" };
export const usd = (amount: number) => ({ amount, currency: "USD" });
