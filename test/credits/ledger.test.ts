import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { creditBalance, creditBalances, creditConsumption, creditRestore, grantCredit } from "../../src/credits/ledger";
import { creditLedger } from "../../src/credits/table";
import { db } from "../subscriptions/fixtures";

const T0 = Date.parse("2026-04-01T00:00:00Z");
const DAY = 86_400_000;

async function grant(tenantId: string, amount: number, expiresAt: number | null = null, currency = "USD") {
  return grantCredit(db, { tenantId, currency, amount, reason: "test", expiresAt, subscriptionId: null, createdBy: "operator" }, T0);
}

describe("credit ledger", () => {
  it("derives the balance from movements; expired grants drop out", async () => {
    await grant("led-balance", 1000);
    await grant("led-balance", 500, T0 + 10 * DAY);
    await grant("led-balance", 700, null, "EUR");
    expect(await creditBalance(db, "led-balance", "USD", T0 + DAY)).toBe(1500);
    expect(await creditBalance(db, "led-balance", "USD", T0 + 10 * DAY)).toBe(1000);
    expect(await creditBalances(db, "led-balance", T0 + DAY)).toEqual([
      { currency: "EUR", balance: 700 },
      { currency: "USD", balance: 1500 },
    ]);
  });

  it("consumes soonest-expiring credit first, never more than there is, and once per invoice", async () => {
    await grant("led-consume", 1000);
    const expiring = await grant("led-consume", 300, T0 + 5 * DAY);
    const now = T0 + DAY;
    const { statements, applied } = await creditConsumption(db, { tenantId: "led-consume", currency: "USD", invoiceId: "inv_1", amount: 500, now });
    expect(applied).toBe(500);
    await db.batch(statements as [typeof statements[number], ...typeof statements]);
    const rows = await db.select().from(creditLedger).where(eq(creditLedger.invoiceId, "inv_1"));
    expect(rows.map((r) => [r.grantId === expiring.id, r.amount]).sort()).toEqual([
      [false, -200],
      [true, -300],
    ]);
    expect(await creditBalance(db, "led-consume", "USD", now)).toBe(800);
    // A replayed finalization cannot consume again.
    await expect(db.batch(statements as [typeof statements[number], ...typeof statements])).rejects.toThrow();
    expect(await creditBalance(db, "led-consume", "USD", now)).toBe(800);

    const big = await creditConsumption(db, { tenantId: "led-consume", currency: "USD", invoiceId: "inv_2", amount: 5000, now });
    expect(big.applied).toBe(800);
  });

  it("aborts a consumption that a concurrent one has already spent", async () => {
    await grant("led-race", 400);
    const now = T0 + DAY;
    const a = await creditConsumption(db, { tenantId: "led-race", currency: "USD", invoiceId: "inv_a", amount: 300, now });
    const b = await creditConsumption(db, { tenantId: "led-race", currency: "USD", invoiceId: "inv_b", amount: 300, now });
    await db.batch(a.statements as [typeof a.statements[number]]);
    await expect(db.batch(b.statements as [typeof b.statements[number]])).rejects.toThrow(/NOT NULL/);
    expect(await creditBalance(db, "led-race", "USD", now)).toBe(100);
  });

  it("restores what a voided invoice consumed, once", async () => {
    await grant("led-restore", 1000);
    const now = T0 + DAY;
    const c = await creditConsumption(db, { tenantId: "led-restore", currency: "USD", invoiceId: "inv_v", amount: 600, now });
    await db.batch(c.statements as [typeof c.statements[number]]);
    await db.batch([creditRestore(db, "inv_v", now + 1)]);
    await db.batch([creditRestore(db, "inv_v", now + 2)]);
    expect(await creditBalance(db, "led-restore", "USD", now + 3)).toBe(1000);
    const kinds = (await db.select().from(creditLedger).where(eq(creditLedger.tenantId, "led-restore"))).map((r) => r.kind).sort();
    expect(kinds).toEqual(["consumption", "grant", "restore"]);
  });
});
