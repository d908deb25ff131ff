import { describe, expect, it } from "vitest";
import { frozenCopy } from "./condition-check.ts";

describe("frozenCopy", () => {
  it("copies a JSON value deeply and freezes every level, leaving the original writable", () => {
    const original = { total: 5, items: [{ name: "Mug", tags: ["a"] }], nested: { deep: { x: 1 } } };
    const copy = frozenCopy(original);
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
    for (const part of [copy, copy.items, copy.items[0], copy.items[0]!.tags, copy.nested.deep])
      expect(Object.isFrozen(part)).toBe(true);
    expect(() => {
      (copy.items[0] as { name: string }).name = "Tee";
    }).toThrow(TypeError);
    original.items[0]!.name = "Tee";
    expect(copy.items[0]!.name).toBe("Mug");
    expect(frozenCopy(null)).toBeNull();
    expect(frozenCopy("x")).toBe("x");
  });

  it("keeps a `__proto__` key a key, not the copy's prototype", () => {
    const original = JSON.parse('{"__proto__": {"admin": true}, "plan": "free"}');
    const copy = frozenCopy(original) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { admin?: boolean }).admin).toBeUndefined();
    expect(Object.keys(copy)).toEqual(["__proto__", "plan"]);
    expect(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value).toEqual({ admin: true });
  });
});
