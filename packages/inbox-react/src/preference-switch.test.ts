import type { Preferences } from "@herald/inbox";
import { describe, expect, it } from "vitest";
import { isOptIn, shownOn, storedFor } from "./preference-switch.ts";

const prefs = (p: Partial<Preferences>): Preferences => ({
  channels: {},
  categories: {},
  types: {},
  quietHours: null,
  digestTime: "09:00",
  unsubscribedAll: false,
  optIn: { categories: ["marketing"], channels: ["sms"] },
  ...p,
});
const marketing = { kind: "category", id: "marketing" } as const;
const product = { kind: "category", id: "product" } as const;
const sms = { kind: "channel", id: "sms" } as const;
const email = { kind: "channel", id: "email" } as const;

describe("a switch of the preferences panel", () => {
  it("shows an opt-in category or channel off until a yes is stored, the others on until a no", () => {
    expect([shownOn(prefs({}), marketing), shownOn(prefs({}), sms)]).toEqual([false, false]);
    expect([shownOn(prefs({}), product), shownOn(prefs({}), email)]).toEqual([true, true]);
    const yes = prefs({ categories: { marketing: { enabled: true } }, channels: { sms: true } });
    expect([shownOn(yes, marketing), shownOn(yes, sms)]).toEqual([true, true]);
    const no = prefs({ categories: { product: { enabled: false } }, channels: { email: false } });
    expect([shownOn(no, product), shownOn(no, email)]).toEqual([false, false]);
  });

  it("stores an explicit true when an opt-in switch is turned on, and clears the others", () => {
    expect(storedFor(prefs({}), marketing, true)).toBe(true);
    expect(storedFor(prefs({}), sms, true)).toBe(true);
    expect(storedFor(prefs({}), product, true)).toBeNull();
    expect(storedFor(prefs({}), email, true)).toBeNull();
    for (const s of [marketing, sms, product, email]) expect(storedFor(prefs({}), s, false)).toBe(false);
  });

  it("treats an answer without optIn (an older Herald) as nothing opt-in", () => {
    const old = { ...prefs({}), optIn: undefined } as unknown as Preferences;
    expect([isOptIn(old, marketing), shownOn(old, marketing), storedFor(old, marketing, true)]).toEqual([
      false,
      true,
      null,
    ]);
  });
});
