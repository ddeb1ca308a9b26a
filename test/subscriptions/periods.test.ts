import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addInterval, periodContaining } from "../../src/subscriptions/periods";

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe("anniversary periods", () => {
  it("clamps Jan 31 to month ends and returns to the 31st", () => {
    const anchor = at("2026-01-31T09:30:00Z");
    expect([0, 1, 2, 3, 4].map((n) => iso(addInterval(anchor, n, "month")))).toEqual([
      "2026-01-31T09:30:00.000Z",
      "2026-02-28T09:30:00.000Z",
      "2026-03-31T09:30:00.000Z",
      "2026-04-30T09:30:00.000Z",
      "2026-05-31T09:30:00.000Z",
    ]);
    expect(iso(addInterval(at("2028-01-31T00:00:00Z"), 1, "month"))).toBe("2028-02-29T00:00:00.000Z");
    expect(iso(addInterval(anchor, -2, "month"))).toBe("2025-11-30T09:30:00.000Z");
  });

  it("clamps Feb 29 in yearly plans", () => {
    const leap = at("2028-02-29T00:00:00Z");
    expect(iso(addInterval(leap, 1, "year"))).toBe("2029-02-28T00:00:00.000Z");
    expect(iso(addInterval(leap, 4, "year"))).toBe("2032-02-29T00:00:00.000Z");
  });

  it("finds the period containing an instant, half-open", () => {
    const anchor = at("2026-01-31T00:00:00Z");
    expect(periodContaining(anchor, at("2026-03-01T00:00:00Z"), "month")).toEqual({
      index: 1,
      start: at("2026-02-28T00:00:00Z"),
      end: at("2026-03-31T00:00:00Z"),
    });
    expect(periodContaining(anchor, at("2026-03-31T00:00:00Z"), "month").start).toBe(at("2026-03-31T00:00:00Z"));
    expect(periodContaining(anchor, at("2026-01-30T00:00:00Z"), "month").index).toBe(-1);
  });

  it("always brackets the instant, and consecutive periods tile time", () => {
    const t = fc.integer({ min: 0, max: 4_000_000_000_000 });
    fc.assert(
      fc.property(t, t, fc.constantFrom("month" as const, "year" as const), (anchor, when, interval) => {
        const p = periodContaining(anchor, when, interval);
        const next = periodContaining(anchor, p.end, interval);
        return p.start <= when && when < p.end && next.start === p.end && next.index === p.index + 1;
      }),
    );
  });
});
