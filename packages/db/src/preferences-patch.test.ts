import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, type Preferences } from "./preferences.ts";
import { mergePreferences, movesDigests } from "./preferences-patch.ts";

const stored: Preferences = {
  channels: { sms: false, push: true },
  categories: {
    marketing: { enabled: false, digest: "daily", channels: { email: false, push: false } },
    transactional: { channels: { sms: true } },
  },
  types: {
    weekly_promo: { enabled: true, channels: { email: false } },
    order_placed: { channels: { sms: false, push: false } },
  },
  quietHours: { start: "22:00", end: "07:00", timezone: "Europe/Paris" },
  digestTime: "18:00",
  unsubscribedAll: false,
};

describe("mergePreferences", () => {
  it("merges set values key by key down to each switch", () => {
    const merged = mergePreferences(stored, {
      channels: { email: false },
      categories: { marketing: { channels: { sms: false } } },
      types: { order_placed: { enabled: false } },
    });
    expect(merged.channels).toEqual({ sms: false, push: true, email: false });
    expect(merged.categories.marketing).toEqual({
      enabled: false,
      digest: "daily",
      channels: { email: false, push: false, sms: false },
    });
    expect(merged.types.order_placed).toEqual({ enabled: false, channels: { sms: false, push: false } });
  });

  it("removes a switch sent as null, at each level, and leaves its siblings", () => {
    const merged = mergePreferences(stored, {
      channels: { sms: null },
      categories: { marketing: { channels: { email: null } } },
      types: { order_placed: { channels: { push: null } } },
    });
    expect(merged.channels).toEqual({ push: true });
    expect(merged.categories.marketing).toEqual({
      enabled: false,
      digest: "daily",
      channels: { push: false },
    });
    expect(merged.types.order_placed).toEqual({ channels: { sms: false } });
  });

  it("removes a category's or a type's own fields sent as null", () => {
    const merged = mergePreferences(stored, {
      categories: { marketing: { digest: null, enabled: null } },
      types: { weekly_promo: { enabled: null } },
    });
    expect(merged.categories.marketing).toEqual({ channels: { email: false, push: false } });
    expect(merged.types.weekly_promo).toEqual({ channels: { email: false } });
  });

  it("removes a whole channels object, category or type sent as null", () => {
    const merged = mergePreferences(stored, {
      categories: { marketing: { channels: null }, transactional: null },
      types: { weekly_promo: null },
    });
    expect(merged.categories).toEqual({ marketing: { enabled: false, digest: "daily" } });
    expect(merged.types).toEqual({ order_placed: { channels: { sms: false, push: false } } });
  });

  it("empties a whole map sent as null", () => {
    const merged = mergePreferences(stored, { channels: null, categories: null, types: null });
    expect(merged).toEqual({ ...stored, channels: {}, categories: {}, types: {} });
  });

  it("prunes what a removal leaves empty, up to the entry", () => {
    const merged = mergePreferences(stored, {
      categories: { transactional: { channels: { sms: null } } },
      types: { weekly_promo: { enabled: null, channels: { email: null } } },
    });
    expect(merged.categories).not.toHaveProperty("transactional");
    expect(merged.types).not.toHaveProperty("weekly_promo");
    expect(merged.types.order_placed).toEqual(stored.types.order_placed);
  });

  it("stores no empty entry for an empty object or a removal of what was never set", () => {
    const merged = mergePreferences(DEFAULT_PREFERENCES, {
      categories: { marketing: {}, transactional: { channels: {} } },
      types: { weekly_promo: { channels: { email: null } }, order_placed: null },
    });
    expect(merged).toEqual(DEFAULT_PREFERENCES);
  });

  it("returns the digest time to the default with null, keeps it when left out", () => {
    expect(mergePreferences(stored, { digestTime: null })).not.toHaveProperty("digestTime");
    expect(mergePreferences(stored, {}).digestTime).toBe("18:00");
    expect(mergePreferences(stored, { digestTime: "07:30" }).digestTime).toBe("07:30");
  });

  it("keeps quiet hours replaced whole, null meaning none", () => {
    expect(mergePreferences(stored, { quietHours: null }).quietHours).toBeNull();
    expect(mergePreferences(stored, { quietHours: { start: "23:00", end: "06:00" } }).quietHours).toEqual({
      start: "23:00",
      end: "06:00",
    });
    expect(mergePreferences(stored, {}).quietHours).toEqual(stored.quietHours);
  });

  it("does not change the document it merges into", () => {
    const before = structuredClone(stored);
    mergePreferences(stored, {
      channels: { sms: null },
      categories: { marketing: { channels: { email: null } } },
      types: { weekly_promo: null },
    });
    expect(stored).toEqual(before);
  });
});

describe("movesDigests", () => {
  it("counts a cleared digest mode, digest time or quiet hours as a change", () => {
    expect(movesDigests({ categories: { marketing: { digest: null } } })).toBe(true);
    expect(movesDigests({ categories: { marketing: null } })).toBe(true);
    expect(movesDigests({ categories: null })).toBe(true);
    expect(movesDigests({ digestTime: null })).toBe(true);
    expect(movesDigests({ quietHours: null })).toBe(true);
  });

  it("leaves windows alone for changes that cannot move them", () => {
    expect(movesDigests({ channels: { email: null } })).toBe(false);
    expect(movesDigests({ types: { weekly_promo: null } })).toBe(false);
    expect(movesDigests({ unsubscribedAll: true })).toBe(false);
  });
});
