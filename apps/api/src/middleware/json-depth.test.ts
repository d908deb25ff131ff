import { describe, expect, it } from "vitest";
import { jsonDepth } from "./json-depth.ts";

describe("jsonDepth", () => {
  it("counts nesting outside strings only", () => {
    expect(jsonDepth("{}", 64)).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}]}', 64)).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"[["}', 64)).toBe(1);
    expect(jsonDepth("1", 64)).toBe(0);
  });

  it("stops at the limit", () => {
    expect(jsonDepth("[".repeat(65) + "]".repeat(65), 64)).toBe(Number.POSITIVE_INFINITY);
    expect(jsonDepth("[".repeat(64) + "]".repeat(64), 64)).toBe(64);
  });
});
