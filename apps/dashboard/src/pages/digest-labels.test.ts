import { describe, expect, it } from "vitest";
import { digestLabels } from "./digest-labels.ts";

describe("digestLabels", () => {
  it("names what differs from being digested one entry per item", () => {
    expect(digestLabels({ never: false, summary: false, collapse: null })).toEqual([]);
    expect(digestLabels({ never: true, summary: false, collapse: null })).toEqual(["never digested"]);
    expect(digestLabels({ never: false, summary: true, collapse: { atLeast: 3, show: 2 } })).toEqual([
      "digest summary",
      "collapses from 3",
    ]);
  });
});
