import { describe, expect, it } from "vitest";
import { newId, newSeedId } from "../../src/lib/ids";

describe("ids", () => {
  it("are <type>_ + 26 lowercase base32 characters, unique, and sort by creation time", () => {
    const id = newId("inv");
    expect(id).toMatch(/^inv_[0-9a-hjkmnp-tv-z]{26}$/);
    const times = [0, 1, 31, 32, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(2999, 11, 31)];
    const ids = times.map((t) => newId("x", t));
    expect([...ids].sort()).toEqual(ids);
    expect(newId("x", 0).slice(2, 12)).toBe("0000000000");
    expect(newId("x", 33).slice(2, 12)).toBe("0000000011");
    expect(new Set(Array.from({ length: 2000 }, () => newId("x", 5))).size).toBe(2000);
  });

  it("seed 000 ids are 12 lowercase letters and digits", () => {
    const ids = Array.from({ length: 500 }, newSeedId);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{12}$/);
    expect(new Set(ids).size).toBe(500);
  });
});
