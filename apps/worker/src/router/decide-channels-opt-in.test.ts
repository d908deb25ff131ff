import { DEFAULT_PREFERENCES, type Preferences } from "@herald/db";
import { NO_OPT_IN, type OptInSettings } from "@herald/domain";
import { describe, expect, it } from "vitest";
import { optedIn, withdrawnReason } from "./decide-channels.ts";

// The matrix of `optedIn` with opt-in categories and channels (decide-channels.test.ts covers the rest).
const promo = { type: "weekly_promo", category: "marketing" };
const order = { type: "order_placed", category: "transactional" };
const reset = { type: "password_reset", category: "security" };
const prefs = (p: Partial<Preferences>): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });
const marketing: OptInSettings = { categories: ["marketing"], channels: [] };
const sms: OptInSettings = { categories: [], channels: ["sms"] };
const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? "in" : r.reason);

describe("optedIn, opt-in category", () => {
  it.each([
    ["nothing set", {}, "not_opted_in"],
    ["the category on", { categories: { marketing: { enabled: true } } }, "in"],
    ["the category off", { categories: { marketing: { enabled: false } } }, "opted_out"],
    ["the type on", { types: { weekly_promo: { enabled: true } } }, "in"],
    ["the type off", { types: { weekly_promo: { enabled: false } } }, "opted_out"],
    [
      "the type on, the category off",
      { categories: { marketing: { enabled: false } }, types: { weekly_promo: { enabled: true } } },
      "in",
    ],
    [
      "the type off, the category on",
      { categories: { marketing: { enabled: true } }, types: { weekly_promo: { enabled: false } } },
      "opted_out",
    ],
    // A channel switch is no yes to the category: consent is given to what is sent, not how.
    [
      "only a channel switch on",
      { categories: { marketing: { channels: { email: true } } } },
      "not_opted_in",
    ],
    [
      "the category on, its e-mail off",
      { categories: { marketing: { enabled: true, channels: { email: false } } } },
      "opted_out",
    ],
  ] as const)("%s → %s", (_, p, expected) => {
    expect(reasonOf(optedIn(prefs(p as Partial<Preferences>), promo, "email", marketing))).toBe(expected);
  });

  it("leaves the other categories on until turned off", () => {
    expect(optedIn(prefs({}), order, "email", marketing)).toEqual({ ok: true });
  });

  it("is an ordinary opt-out category without the setting", () => {
    expect(optedIn(prefs({}), promo, "email", NO_OPT_IN)).toEqual({ ok: true });
  });
});

describe("optedIn, opt-in channel", () => {
  it.each([
    ["nothing set", {}, "not_opted_in"],
    ["on for every category", { channels: { sms: true } }, "in"],
    ["on for the category", { categories: { transactional: { channels: { sms: true } } } }, "in"],
    ["on for the type", { types: { order_placed: { channels: { sms: true } } } }, "in"],
    [
      "on for every category, off for the type",
      { channels: { sms: true }, types: { order_placed: { channels: { sms: false } } } },
      "opted_out",
    ],
    [
      "on for the category, off for every category",
      { channels: { sms: false }, categories: { transactional: { channels: { sms: true } } } },
      "in",
    ],
    [
      "the category on, no channel switch",
      { categories: { transactional: { enabled: true } } },
      "not_opted_in",
    ],
  ] as const)("%s → %s", (_, p, expected) => {
    expect(reasonOf(optedIn(prefs(p as Partial<Preferences>), order, "sms", sms))).toBe(expected);
  });

  it("leaves the other channels on", () => {
    expect(optedIn(prefs({}), order, "email", sms)).toEqual({ ok: true });
  });

  it("needs both yeses where category and channel are opt-in", () => {
    const both: OptInSettings = { categories: ["marketing"], channels: ["sms"] };
    const yesToCategory = prefs({ categories: { marketing: { enabled: true } } });
    expect(optedIn(yesToCategory, { ...promo }, "sms", both)).toEqual({ ok: false, reason: "not_opted_in" });
    const yesToBoth = prefs({ categories: { marketing: { enabled: true, channels: { sms: true } } } });
    expect(optedIn(yesToBoth, promo, "sms", both)).toEqual({ ok: true });
  });
});

describe("optedIn, what opt-in never changes", () => {
  const everything: OptInSettings = {
    categories: ["marketing", "transactional"],
    channels: ["email", "sms"],
  };

  it("sends a required category whatever the preferences and settings say", () => {
    // `security` in the setting is refused at start-up; a required category ignores it even so.
    const settings = { categories: ["security"], channels: ["email"] } as unknown as OptInSettings;
    expect(optedIn(prefs({}), reset, "email", settings)).toEqual({ ok: true });
    expect(optedIn(prefs({ unsubscribedAll: true }), reset, "email", settings)).toEqual({ ok: true });
  });

  it("lets unsubscribedAll win over every yes", () => {
    const yes = prefs({
      unsubscribedAll: true,
      channels: { email: true },
      categories: { marketing: { enabled: true } },
      types: { weekly_promo: { enabled: true, channels: { email: true } } },
    });
    expect(optedIn(yes, promo, "email", everything)).toEqual({ ok: false, reason: "unsubscribed" });
  });
});

describe("withdrawnReason", () => {
  it("withdraws a notification whose consent was taken back, before the bounce check", () => {
    const n = { ...promo, channel: "email" as const };
    expect(withdrawnReason(n, prefs({}), true, marketing)).toBe("not_opted_in");
    expect(
      withdrawnReason(n, prefs({ categories: { marketing: { enabled: true } } }), false, marketing),
    ).toBeNull();
  });
});
