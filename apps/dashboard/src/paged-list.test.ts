import { describe, expect, it } from "vitest";
import { uniqueRows } from "./paged-list.ts";

describe("uniqueRows", () => {
  it("joins the pages in order and shows a row that moved to a later page once, where it was first", () => {
    const page = (ids: string[], nextCursor: string | null = "c") => ({
      data: ids.map((id) => ({ id, v: id })),
      nextCursor,
    });
    expect(uniqueRows([page(["a", "b"]), page(["c", "a"]), page(["d"], null)]).map((r) => r.id)).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(uniqueRows([])).toEqual([]);
  });
});
