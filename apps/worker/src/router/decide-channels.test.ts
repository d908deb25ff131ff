import { DEFAULT_PREFERENCES, type Preferences, type RecipientRow } from "@herald/db";
import { catalog } from "@herald/templates";
import { describe, expect, it } from "vitest";
import { decideChannels } from "./decide-channels.ts";

const recipient = {
  id: "usr_x",
  externalId: "u1",
  email: "a@example.com",
  phone: "+14155550100",
} as RecipientRow;
const device = { id: "dev_1", kind: "webpush" } as never;
const prefs = (p: Partial<Preferences>): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

describe("decideChannels", () => {
  it("uses every channel of the type when the user can be reached", () => {
    const d = decideChannels(catalog.order_placed, { channels: null }, recipient, prefs({}), [device]);
    expect(d.channels.sort()).toEqual(["email", "in_app", "push", "sms"]);
    expect(d.suppressed).toEqual([]);
  });

  it("records opted-out and unreachable channels with their reason", () => {
    const d = decideChannels(
      catalog.order_placed,
      { channels: null },
      { ...recipient, phone: null },
      prefs({ channels: { email: false } }),
      [],
    );
    expect(d.channels).toEqual(["in_app"]);
    expect(d.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "email", reason: "opted_out" },
        { channel: "sms", reason: "unreachable" },
        { channel: "push", reason: "unreachable" },
      ]),
    );
  });

  it("lets the most specific preference win", () => {
    const p = prefs({ channels: { sms: false }, types: { order_placed: { channels: { sms: true } } } });
    expect(decideChannels(catalog.order_placed, { channels: ["sms"] }, recipient, p, []).channels).toEqual([
      "sms",
    ]);
    const off = prefs({ categories: { transactional: { enabled: false } } });
    expect(
      decideChannels(catalog.order_placed, { channels: null }, recipient, off, [device]).channels,
    ).toEqual([]);
  });

  it("sends nothing to an erased user, required categories included, saying why", () => {
    const erased = { ...recipient, email: null, phone: null, erasedAt: new Date() };
    for (const def of [catalog.order_placed, catalog.password_reset]) {
      const d = decideChannels(def, { channels: null }, erased, prefs({}), []);
      expect(d.channels).toEqual([]);
      expect(d.suppressed.map((s) => s.reason)).toEqual(d.suppressed.map(() => "erased"));
      expect(d.suppressed.length).toBeGreaterThan(0);
    }
  });

  it("never lets a user opt out of a required category", () => {
    const p = prefs({ unsubscribedAll: true, channels: { email: false, sms: false } });
    expect(
      decideChannels(catalog.password_reset, { channels: null }, recipient, p, []).channels.sort(),
    ).toEqual(["email", "sms"]);
  });

  it("honours the event's channel restriction", () => {
    expect(
      decideChannels(catalog.order_placed, { channels: ["email"] }, recipient, prefs({}), [device]).channels,
    ).toEqual(["email"]);
  });
});
