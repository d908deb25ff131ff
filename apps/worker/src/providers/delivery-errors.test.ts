import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "./delivery-errors.ts";

const now = Date.parse("2026-03-02T10:00:00.000Z");

describe("parseRetryAfter", () => {
  it("reads delta-seconds, fractions included", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });

  it("reads an HTTP date as the time left until it, and a past one as no wait", () => {
    expect(parseRetryAfter("Mon, 02 Mar 2026 10:00:42 GMT", now)).toBe(42_000);
    // RFC 850, an obsolete form servers may still send.
    expect(parseRetryAfter("Monday, 02-Mar-26 10:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Mon, 02 Mar 2026 09:00:00 GMT", now)).toBe(0);
  });

  it("takes no wait longer than MAX_RETRY_AFTER_MS (5 minutes), in seconds or as a date", () => {
    expect(MAX_RETRY_AFTER_MS).toBe(300_000);
    expect(parseRetryAfter("86400", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("Tue, 03 Mar 2026 10:00:00 GMT", now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it("ignores what is neither: absent, empty, negative, or a date Date.parse would guess at", () => {
    for (const value of [undefined, null, "", "soon", "-3", "12/31"])
      expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
