import { DEFAULT_PREFERENCES, mergePreferences, type Preferences } from "@herald/db";
import { describe, expect, it } from "vitest";
import { unsubscribePatch } from "./unsubscribe-patch.ts";

const prefs = (more: Partial<Preferences>): Preferences => ({ ...DEFAULT_PREFERENCES, ...more });
const apply = (current: Preferences, categories: string[], all: boolean) =>
  mergePreferences(current, unsubscribePatch(current, categories, all));

describe("unsubscribePatch", () => {
  it("turns the link's categories' e-mail off and clears 'e-mail on' overrides of their types", () => {
    const current = prefs({
      types: {
        weekly_promo: { channels: { email: true, push: true } },
        order_placed: { channels: { email: true } },
      },
    });
    const after = apply(current, ["marketing"], false);
    expect(after.categories).toEqual({ marketing: { channels: { email: false } } });
    // order_placed is transactional: the marketing link leaves it alone.
    expect(after.types).toEqual({
      weekly_promo: { channels: { push: true } },
      order_placed: { channels: { email: true } },
    });
  });

  it("keeps overrides that already say off, and other channels' settings", () => {
    const current = prefs({
      categories: { marketing: { digest: "weekly", channels: { push: false } } },
      types: { weekly_promo: { enabled: true, channels: { email: false } } },
    });
    const after = apply(current, ["marketing"], false);
    expect(after.categories).toEqual({
      marketing: { digest: "weekly", channels: { push: false, email: false } },
    });
    expect(after.types).toEqual({ weekly_promo: { enabled: true, channels: { email: false } } });
  });

  it("'all' turns the e-mail switch off and clears every non-required 'e-mail on' override", () => {
    const current = prefs({
      categories: {
        marketing: { channels: { email: true } },
        transactional: { channels: { email: true, sms: false } },
        security: { channels: { email: true } },
      },
      types: { weekly_promo: { channels: { email: true } }, password_reset: { channels: { email: true } } },
    });
    const after = apply(current, ["marketing"], true);
    expect(after.channels).toEqual({ email: false });
    // Security is required: its overrides mean nothing to the router and are left as they are.
    expect(after.categories).toEqual({
      transactional: { channels: { sms: false } },
      security: { channels: { email: true } },
    });
    expect(after.types).toEqual({ password_reset: { channels: { email: true } } });
  });

  it("changes nothing else when there is nothing to clear", () => {
    expect(unsubscribePatch(DEFAULT_PREFERENCES, ["marketing"], false)).toEqual({
      categories: { marketing: { channels: { email: false } } },
    });
    expect(unsubscribePatch(DEFAULT_PREFERENCES, [], true)).toEqual({ channels: { email: false } });
  });
});
