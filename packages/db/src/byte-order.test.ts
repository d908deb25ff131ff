import { describe, expect, it } from "vitest";
import { byteOrder } from "./byte-order.ts";

const SAMPLES = [
  "",
  "a",
  "ab",
  "b",
  "Z",
  "é",
  "\u{E000}",
  "\u{FFFD}",
  "\u{1F600}",
  "\u{10000}",
  "a\u{1F600}",
  "a\u{FFFD}",
  "user_1",
  "user_10",
  "user_2",
];

describe("byteOrder", () => {
  // UTF-8 byte order is what COLLATE "C" compares (Buffer.compare here).
  it("orders as UTF-8 bytes, so code points above U+FFFF follow U+E000–U+FFFF", () => {
    const bytes = [...SAMPLES].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...SAMPLES].sort(byteOrder)).toEqual(bytes);
    // What `<` would have given differs exactly there.
    expect(byteOrder("\u{1F600}", "\u{FFFD}")).toBeGreaterThan(0);
    expect("\u{1F600}" < "\u{FFFD}").toBe(true);
  });
});
