import { catalog } from "@herald/templates";
import { describe, expect, it } from "vitest";
import { EventRequestSchema } from "./event.ts";
import { findUnstorableStrings, StorableDateTime } from "./storable-values.ts";

const NUL = "must not contain the NUL character (U+0000)";
const surrogate = (unit: string) => `must not contain an unpaired UTF-16 surrogate (U+${unit})`;

describe("findUnstorableStrings", () => {
  it("finds NULs and unpaired surrogates in values and keys at any depth, in document order", () => {
    expect(
      findUnstorableStrings({
        ok: "fine",
        orderId: "A\u0000",
        items: [{ name: "ok" }, { name: "x\ud800y" }],
        "k\udc00": 1,
        deep: { list: [[1, "tail\udbff"]] },
      }),
    ).toEqual([
      { path: ["orderId"], message: NUL },
      { path: ["items", 1, "name"], message: surrogate("D800") },
      { path: ["k\\uDC00"], message: `key ${surrogate("DC00")}` },
      { path: ["deep", "list", 0, 1], message: surrogate("DBFF") },
    ]);
  });

  it("passes paired surrogates (astral characters), other control characters and non-strings", () => {
    expect(
      findUnstorableStrings({ emoji: "😀 \ud83d\ude00", tab: "a\tb\u0001", n: 1, b: true, z: null, a: [] }),
    ).toEqual([]);
    expect(findUnstorableStrings("\ud83d\ude00")).toEqual([]);
  });

  it("names a key holding NUL escaped, and still walks its value", () => {
    expect(findUnstorableStrings({ "a\u0000b": { c: "\u0000" } })).toEqual([
      { path: ["a\\u0000b"], message: `key ${NUL}` },
      { path: ["a\\u0000b", "c"], message: NUL },
    ]);
  });

  it("stops after ten findings", () => {
    expect(findUnstorableStrings(Array.from({ length: 1000 }, () => "\u0000"))).toHaveLength(10);
  });
});

describe("StorableDateTime", () => {
  it("accepts times in the years 0001 to 9999 (UTC)", () => {
    for (const t of ["0001-01-01T00:00:00Z", "2026-12-01T09:00:00+02:00", "9999-12-31T23:59:59Z"])
      expect(StorableDateTime.safeParse(t).success, t).toBe(true);
  });

  it("refuses year 0 and instants an offset moves out of those years", () => {
    for (const t of ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]) {
      const r = StorableDateTime.safeParse(t);
      expect(r.success, t).toBe(false);
      expect(r.error?.issues[0]?.message).toBe("must be in the years 0001 to 9999 (UTC)");
    }
  });
});

describe("EventRequestSchema", () => {
  const order = (extra: Record<string, unknown>) => ({
    type: "order_placed",
    userId: "user_1",
    data: catalog.order_placed.example,
    ...extra,
  });
  const paths = (body: unknown) => {
    const r = EventRequestSchema.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => [i.path.join("."), i.message]);
  };

  it("refuses unstorable strings anywhere in the event, naming each field", () => {
    expect(
      paths(
        order({
          data: { orderId: "A\u0000" },
          idempotencyKey: "k\u0000",
          dedupKey: "d\ud800",
          userId: "u\udfff",
          user: { properties: { "n\ud800": "Ada\u0000" } },
        }),
      ),
    ).toEqual([
      ["userId", surrogate("DFFF")],
      ["data.orderId", NUL],
      ["idempotencyKey", NUL],
      ["dedupKey", surrogate("D800")],
      ["user.properties.n\\uD800", `key ${surrogate("D800")}`],
      ["user.properties.n\\uD800", NUL],
    ]);
  });

  it("refuses a sendAt outside the years 0001 to 9999 on its field", () => {
    expect(paths(order({ sendAt: "0000-01-01T00:00:00Z" }))).toEqual([
      ["sendAt", "must be in the years 0001 to 9999 (UTC)"],
    ]);
  });

  it("accepts the catalog's example with astral characters", () => {
    expect(paths(order({ data: { ...catalog.order_placed.example, orderId: "🛒 A-1" } }))).toEqual([]);
  });
});
