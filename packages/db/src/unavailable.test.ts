import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable.ts";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("recognises connection failures and shutdown states, also wrapped as a cause", () => {
    expect(isDatabaseUnavailable(withCode("ECONNREFUSED"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("CONNECTION_CLOSED"))).toBe(true);
    expect(
      isDatabaseUnavailable(withCode("57P01", "terminating connection due to administrator command")),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: withCode("57P03") }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode("ECONNREFUSED")], "connect failed"))).toBe(
      true,
    );
  });

  it("does not mistake a provider's unreachable server for PostgreSQL", () => {
    const refused = withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:3402");
    const delivery = Object.assign(
      new Error("twilio: connect ECONNREFUSED 127.0.0.1:3402", { cause: refused }),
      {
        name: "DeliveryError",
        code: "ECONNREFUSED",
      },
    );
    expect(isDatabaseUnavailable(delivery)).toBe(false);
    expect(isDatabaseUnavailable(new Error("send failed", { cause: delivery }))).toBe(false);
  });

  it("does not mistake an answered query error for an outage", () => {
    expect(isDatabaseUnavailable(withCode("23505", "duplicate key"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("42P01", "relation does not exist"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
