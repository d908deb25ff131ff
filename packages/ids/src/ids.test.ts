import { describe, expect, it } from "vitest";
import { idFloor, idTime, isId, newId } from "./ids.ts";

describe("newId", () => {
  it("prefixes and validates", () => {
    const id = newId("ntf");
    expect(id).toMatch(/^ntf_[0-9a-z]{26}$/);
    expect(isId("ntf", id)).toBe(true);
    expect(isId("evt", id)).toBe(false);
  });

  it("sorts by time and stays increasing within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => newId("evt", 1_700_000_000_000));
    const later = newId("evt", 1_700_000_000_001);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(later > ids[ids.length - 1]!).toBe(true);
  });

  it("encodes its creation time", () => {
    expect(idTime(newId("usr", 1_700_000_123_456)).getTime()).toBe(1_700_000_123_456);
  });
});

describe("idFloor", () => {
  it("sorts below every id of that millisecond and above every earlier one", () => {
    const at = new Date("2026-03-01T12:00:00.123Z");
    const floor = idFloor("evt", at);
    expect(isId("evt", floor)).toBe(true);
    expect(idTime(floor).getTime()).toBe(at.getTime());
    for (let i = 0; i < 50; i++) {
      expect(newId("evt", at.getTime()) > floor).toBe(true);
      expect(newId("evt", at.getTime() - 1) < floor).toBe(true);
    }
  });
});
