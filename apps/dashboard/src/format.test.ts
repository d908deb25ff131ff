import { describe, expect, it } from "vitest";
import { when } from "./format.ts";

describe("when", () => {
  it("says the time zone a time is shown in", () => {
    const text = when("2026-12-06T14:05:09Z");
    expect(text).toMatch(/^\d{1,2} Dec(,| at) \d\d:\d\d:\d\d \S+$/);
    expect(text.split(" ").at(-1)).toMatch(/^(UTC|GMT([+-]\d{1,2}(:\d\d)?)?|[A-Z]{2,5})$/);
  });
});
