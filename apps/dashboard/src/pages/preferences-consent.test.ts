import { describe, expect, it } from "vitest";
import type { Preferences } from "../api/client.ts";
import { consentText, switchKey } from "./preferences-consent.ts";
import { offCount, toDraft, toUpdate } from "./preferences-draft.ts";

const catalog = [
  { type: "order_placed", category: "transactional", channels: ["email", "sms", "in_app"] },
  { type: "weekly_promo", category: "marketing", channels: ["email", "push"] },
];
const optIn = { categories: ["marketing"], channels: ["sms"] };
const nothingSet: Preferences = {
  channels: {},
  categories: {},
  types: {},
  quietHours: null,
  digestTime: "09:00",
  unsubscribedAll: false,
  optIn,
};

describe("the preferences editor with opt-in categories and channels", () => {
  it("shows an opt-in switch nobody set off, as never opted in, and no opt-out in the count", () => {
    const d = toDraft(nothingSet, null, catalog);
    expect(d.categories.marketing!.enabled).toBe(false);
    expect(d.types.weekly_promo!.enabled).toBe(false); // inherits the category's (missing) yes
    expect(d.channels).toEqual({ push: true, email: true, sms: false, in_app: true });
    expect(d.categories.transactional!.channels.sms).toBe(false);
    expect(d.types.order_placed!.channels).toEqual({ email: true, sms: false, in_app: true });
    expect(d.notOptedIn).toEqual(
      expect.arrayContaining([
        "category:marketing",
        "type:weekly_promo",
        "channel:sms",
        "type:order_placed/sms",
      ]),
    );
    expect([offCount(d, "marketing", catalog), offCount(d, "transactional", catalog)]).toEqual([0, 0]);
    expect(consentText(d, switchKey.category("marketing"))).toBe("off: the user never turned it on");
  });

  it("shows a broader yes on the narrower switches of an opt-in channel, and a no as the user's", () => {
    const p: Preferences = {
      ...nothingSet,
      channels: { sms: true },
      categories: { marketing: { enabled: false } },
      types: { order_placed: { channels: { sms: false } } },
    };
    const d = toDraft(p, null, catalog);
    expect([d.channels.sms, d.categories.transactional!.channels.sms]).toEqual([true, true]);
    expect(d.types.order_placed!.channels.sms).toBe(false);
    expect(d.categories.marketing!.enabled).toBe(false);
    expect(d.notOptedIn).not.toContain("category:marketing");
    expect(consentText(d, switchKey.category("marketing"))).toBe("off: the user turned it off");
    expect(offCount(d, "transactional", catalog)).toBe(1);
  });

  it("stores an explicit true when support turns an opt-in switch on, and nothing for what was left", () => {
    const base = toDraft(nothingSet, null, catalog);
    const draft = {
      ...base,
      channels: { ...base.channels, sms: true },
      categories: { ...base.categories, marketing: { ...base.categories.marketing!, enabled: true } },
    };
    expect(toUpdate(draft, base, catalog)).toEqual({
      channels: { sms: true },
      categories: { marketing: { enabled: true } },
    });
  });

  it("shows everything on when nothing is opt-in (an answer without optIn too)", () => {
    const { optIn: _none, ...older } = nothingSet;
    const d = toDraft(older as Preferences, null, catalog);
    expect([d.categories.marketing!.enabled, d.channels.sms, d.notOptedIn]).toEqual([true, true, []]);
  });
});
