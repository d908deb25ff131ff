import { describe, expect, it } from "vitest";
import { USER_ID_DOC_PATTERN, UserId } from "./common.ts";

describe("the user id pattern in /openapi.json", () => {
  // Read as Swagger UI and generated validators read it: no `u` flag.
  const documented = new RegExp(USER_ID_DOC_PATTERN);

  it("accepts the ids the API accepts", () => {
    for (const id of ["user_123", "alice", "ada@example.com", "名前", "x y", "ünïcödé", "a/b"]) {
      expect(documented.test(id), id).toBe(true);
      expect(UserId.safeParse(id).success, id).toBe(true);
    }
  });

  it("refuses every character of the Basic Multilingual Plane the API refuses, and only those", () => {
    const disagree: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue; // halves of astral characters
      const ch = String.fromCharCode(c);
      const api = UserId.safeParse(`a${ch}b`).success;
      if (documented.test(`a${ch}b`) !== api) disagree.push(c.toString(16));
    }
    expect(disagree).toEqual([]);
  });
});
