import { describe, expect, it } from "vitest";
import { catalog } from "./catalog/index.ts";
import { money } from "./format.ts";

describe("money", () => {
  it("formats an ISO 4217 code in the locale, whatever its case", () => {
    expect(money(12.5, "EUR", "de-DE")).toBe("12,50\u00a0€");
    expect(money(12.5, "usd", "en-US")).toBe("$12.50");
  });

  it("writes any other currency after the amount instead of throwing", () => {
    expect(money(12.5, "points", "en-US")).toBe("12.50 points");
    expect(money(1234, "Gold coins", "de-DE")).toBe("1.234,00 Gold coins");
  });
});

// SPEC §3: payment_failed's currency is a string; order_placed's is ISO 4217.
describe("currency in the starter catalog", () => {
  it("takes any currency string for payment_failed", () => {
    const data = { ...catalog.payment_failed.example, currency: "store credit" };
    expect(catalog.payment_failed.schema.safeParse(data).success).toBe(true);
  });

  it("keeps order_placed to ISO 4217 codes", () => {
    const data = { ...catalog.order_placed.example, currency: "store credit" };
    expect(catalog.order_placed.schema.safeParse(data).success).toBe(false);
  });
});
