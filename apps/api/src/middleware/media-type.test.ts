import { describe, expect, it } from "vitest";
import { canonicalJsonType } from "./media-type.ts";

describe("canonicalJsonType", () => {
  it("leaves what the routes already accept, and what is not JSON", () => {
    expect(canonicalJsonType("application/json")).toBeNull();
    expect(canonicalJsonType("application/json; charset=utf-8")).toBeNull();
    expect(canonicalJsonType("application/merge-patch+json")).toBeNull();
    expect(canonicalJsonType("text/plain")).toBeNull();
    expect(canonicalJsonType("application/jsonx ; a=b")).toBeNull();
    expect(canonicalJsonType("multipart/form-data; boundary=x")).toBeNull();
  });

  it("drops the whitespace and empty parameters HTTP allows", () => {
    expect(canonicalJsonType("application/json ; charset=utf-8")).toBe("application/json; charset=utf-8");
    expect(canonicalJsonType("Application/JSON;")).toBe("application/json");
    expect(canonicalJsonType(" application/json ;; charset=UTF-8 ")).toBe("application/json; charset=UTF-8");
  });
});
