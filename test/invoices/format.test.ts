import { describe, expect, it } from "vitest";
import { moneyFormat } from "../../src/invoices/format";

describe("invoice money format", () => {
  it("prints amounts by the currency's exponent and unit prices exactly", () => {
    const usd = moneyFormat("USD");
    const jpy = moneyFormat("JPY");
    const kwd = moneyFormat("KWD");
    expect([usd.amount(123456), usd.unit("0.02"), usd.unit("-2030"), usd.unit("4900")]).toEqual(["$1,234.56", "$0.0002", "-$20.30", "$49.00"]);
    expect([jpy.amount(1200), jpy.unit("0.5"), jpy.unit("1200")]).toEqual(["¥1,200", "¥0.5", "¥1200"]);
    const nbsp = (xs: string[]) => xs.map((x) => x.replace(/\u00a0/g, " "));
    expect(nbsp([kwd.amount(1234), kwd.unit("0.3333"), kwd.unit("12345")])).toEqual(["KWD 1.234", "KWD 0.0003333", "KWD 12.345"]);
  });
});
