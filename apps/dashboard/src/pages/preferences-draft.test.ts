import { describe, expect, it } from "vitest";
import type { Preferences } from "../api/client.ts";
import { followUserZone, offCount, toDraft, toUpdate } from "./preferences-draft.ts";

const catalog = [
  { type: "order_placed", category: "transactional", channels: ["email", "sms", "in_app"] },
  { type: "payment_failed", category: "transactional", channels: ["email", "push", "in_app"] },
  { type: "password_reset", category: "security", channels: ["email", "sms"] },
  { type: "weekly_promo", category: "marketing", channels: ["email", "push"] },
];

// As loaded in the editor: the user had turned marketing push off and set quiet hours.
const loaded: Preferences = {
  channels: { sms: false },
  categories: { marketing: { channels: { push: false }, digest: "daily" } },
  types: {},
  quietHours: { start: "22:00", end: "07:00", timezone: "Europe/Paris" },
  digestTime: "09:00",
  unsubscribedAll: false,
  optIn: { categories: [], channels: [] },
};

describe("the preferences editor's save", () => {
  const base = toDraft(loaded, "Europe/Paris", catalog);

  it("sends nothing when nothing was changed", () => {
    expect(toUpdate(base, base, catalog)).toEqual({});
  });

  it("sends only what the agent changed, so concurrent changes to the rest survive the merge", () => {
    const draft = {
      ...base,
      channels: { ...base.channels, email: false },
      categories: { ...base.categories, marketing: { ...base.categories.marketing!, enabled: false } },
      quietEnd: "08:00",
    };
    expect(toUpdate(draft, base, catalog)).toEqual({
      channels: { email: false },
      categories: { marketing: { enabled: false } },
      quietHours: { start: "22:00", end: "08:00", timezone: "Europe/Paris" },
    });
  });

  it("turns quiet hours off with null and sends the switches that were flipped back on", () => {
    const draft = { ...base, quiet: false, channels: { ...base.channels, sms: true }, digestTime: "07:30" };
    expect(toUpdate(draft, base, catalog)).toEqual({
      channels: { sms: true },
      quietHours: null,
      digestTime: "07:30",
    });
  });

  it("never sends a required category or its types", () => {
    const draft = {
      ...base,
      categories: {
        ...base.categories,
        security: { enabled: false, digest: "daily" as const, channels: { email: false } },
      },
      types: { ...base.types, password_reset: { enabled: false, channels: { sms: false } } },
    };
    expect(toUpdate(draft, base, catalog)).toEqual({});
  });
});

describe("category channel switches and per-type overrides", () => {
  // An unsubscribe link turned marketing e-mail off; the user muted payment_failed and its push.
  const optedOut: Preferences = {
    channels: {},
    categories: { marketing: { channels: { email: false } }, transactional: { channels: { sms: false } } },
    types: { payment_failed: { enabled: false, channels: { push: false } } },
    quietHours: null,
    digestTime: "09:00",
    unsubscribedAll: false,
    optIn: { categories: [], channels: [] },
  };
  const base = toDraft(optedOut, null, catalog);

  it("shows the opt-outs in force, and only the channels a type has", () => {
    expect(base.categories.marketing!.channels).toEqual({
      email: false,
      sms: true,
      push: true,
      in_app: true,
    });
    expect(base.categories.transactional!.channels.sms).toBe(false);
    expect(base.types.payment_failed).toEqual({
      enabled: false,
      channels: { email: true, push: false, in_app: true },
    });
    expect(base.types.weekly_promo).toEqual({ enabled: true, channels: { email: true, push: true } });
    expect(offCount(base, "transactional", catalog)).toBe(3);
    expect(offCount(base, "marketing", catalog)).toBe(1);
    expect(offCount(base, "social", catalog)).toBe(0);
  });

  it("sends only the flipped switch of a category or a type", () => {
    const draft = {
      ...base,
      categories: {
        ...base.categories,
        marketing: {
          ...base.categories.marketing!,
          channels: { ...base.categories.marketing!.channels, email: true },
        },
      },
      types: {
        ...base.types,
        payment_failed: { ...base.types.payment_failed!, enabled: true },
        order_placed: {
          ...base.types.order_placed!,
          channels: { ...base.types.order_placed!.channels, in_app: false },
        },
      },
    };
    expect(toUpdate(draft, base, catalog)).toEqual({
      categories: { marketing: { channels: { email: true } } },
      types: { payment_failed: { enabled: true }, order_placed: { channels: { in_app: false } } },
    });
  });

  it("sends nothing for a switch flipped and flipped back", () => {
    const flip = (v: boolean) => ({
      ...base.categories.marketing!,
      channels: { ...base.categories.marketing!.channels, push: v },
    });
    const once = { ...base, categories: { ...base.categories, marketing: flip(false) } };
    const back = { ...once, categories: { ...once.categories, marketing: flip(true) } };
    expect(toUpdate(back, base, catalog)).toEqual({});
  });
});

describe("the quiet hours' zone when the user's time zone changes", () => {
  const none: Preferences = { ...loaded, quietHours: null };

  it("follows the user's zone when none is stored, and sends nothing for it", () => {
    const base = toDraft(none, "Europe/London", catalog);
    const next = followUserZone(base, base, none, "America/Chicago");
    expect(next.draft.quietZone).toBe("America/Chicago");
    expect(toUpdate(next.draft, next.base, catalog)).toEqual({});
    // Quiet hours turned on afterwards are saved in the user's new zone.
    expect(toUpdate({ ...next.draft, quiet: true }, next.base, catalog).quietHours).toEqual({
      start: "22:00",
      end: "07:00",
      timezone: "America/Chicago",
    });
  });

  it("keeps a zone that is stored, or that the agent has already picked in the form", () => {
    const stored = toDraft(loaded, "Europe/London", catalog);
    expect(followUserZone(stored, stored, loaded, "America/Chicago").draft.quietZone).toBe("Europe/Paris");
    const base = toDraft(none, "Europe/London", catalog);
    const picked = { ...base, quiet: true, quietZone: "Asia/Tokyo" };
    const next = followUserZone(picked, base, none, "America/Chicago");
    expect(next.draft.quietZone).toBe("Asia/Tokyo");
    expect(toUpdate(next.draft, next.base, catalog).quietHours?.timezone).toBe("Asia/Tokyo");
  });
});
