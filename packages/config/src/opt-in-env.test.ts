import { describe, expect, it } from "vitest";
import { z } from "zod";
import { optInCategoryProblem, optInEnvShape, toOptInSettings } from "./opt-in-env.ts";

const schema = z.object(optInEnvShape);

describe("opt-in settings", () => {
  it("trims, drops repeats and defaults to nothing", () => {
    expect(toOptInSettings(schema.parse({}))).toEqual({ categories: [], channels: [] });
    expect(
      toOptInSettings(
        schema.parse({ OPT_IN_CATEGORIES: " marketing, product,marketing", OPT_IN_CHANNELS: "sms," }),
      ),
    ).toEqual({ categories: ["marketing", "product"], channels: ["sms"] });
  });

  it("says why a category cannot be opt-in", () => {
    expect(optInCategoryProblem("marketing")).toBeNull();
    expect(optInCategoryProblem("security")).toMatch(/required category/);
    expect(optInCategoryProblem("Marketing")).toBe(
      'unknown category "Marketing": use transactional, marketing, product, social',
    );
  });

  it("reports every bad name, not only the first", () => {
    const result = schema.safeParse({
      OPT_IN_CATEGORIES: "security,promos",
      OPT_IN_CHANNELS: "fax,sms,pager",
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "OPT_IN_CATEGORIES: security is a required category: it is always sent, so it cannot wait for a yes",
      'OPT_IN_CATEGORIES: unknown category "promos": use transactional, marketing, product, social',
      'OPT_IN_CHANNELS: unknown channel "fax": use push, email, sms, in_app',
      'OPT_IN_CHANNELS: unknown channel "pager": use push, email, sms, in_app',
    ]);
  });
});
