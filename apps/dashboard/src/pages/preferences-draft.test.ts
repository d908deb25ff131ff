import { describe, expect, it } from "vitest";
import type { Preferences } from "../api/client.ts";
import { toDraft, toUpdate } from "./preferences-draft.ts";

// As loaded in the editor: the user had turned marketing push off and set quiet hours.
const loaded: Preferences = {
  channels: { sms: false },
  categories: { marketing: { channels: { push: false }, digest: "daily" } },
  types: {},
  quietHours: { start: "22:00", end: "07:00", timezone: "Europe/Paris" },
  unsubscribedAll: false,
};

describe("the preferences editor's save", () => {
  const base = toDraft(loaded, "Europe/Paris");

  it("sends nothing when nothing was changed", () => {
    expect(toUpdate(base, base)).toEqual({});
  });

  it("sends only what the agent changed, so concurrent changes to the rest survive the merge", () => {
    const draft = {
      ...base,
      channels: { ...base.channels, email: false },
      categories: { ...base.categories, marketing: { ...base.categories.marketing!, enabled: false } },
      quietEnd: "08:00",
    };
    expect(toUpdate(draft, base)).toEqual({
      channels: { email: false },
      categories: { marketing: { enabled: false } },
      quietHours: { start: "22:00", end: "08:00", timezone: "Europe/Paris" },
    });
  });

  it("turns quiet hours off with null and sends the switches that were flipped back on", () => {
    const draft = { ...base, quiet: false, channels: { ...base.channels, sms: true }, digestTime: "07:30" };
    expect(toUpdate(draft, base)).toEqual({ channels: { sms: true }, quietHours: null, digestTime: "07:30" });
  });

  it("never sends a required category", () => {
    const draft = {
      ...base,
      categories: { ...base.categories, security: { enabled: false, digest: "daily" as const } },
    };
    expect(toUpdate(draft, base)).toEqual({});
  });
});
