import { describe, expect, it } from "vitest";
import { frequencyCapList } from "./frequency-cap.ts";

describe("FREQUENCY_CAPS", () => {
  it("parses category:channel:max/window entries", () => {
    expect(frequencyCapList.parse("marketing:email:3/1d, marketing:push:5/12h")).toEqual([
      { category: "marketing", channel: "email", max: 3, windowMs: 86_400_000 },
      { category: "marketing", channel: "push", max: 5, windowMs: 43_200_000 },
    ]);
  });

  it("names the bad entry", () => {
    const messages = (s: string) => frequencyCapList.safeParse(s).error?.issues.map((i) => i.message);
    expect(messages("marketing:fax:3/1d")).toEqual(['marketing:fax:3/1d: unknown channel "fax"']);
    expect(messages("promo:email:3/1d")).toEqual(['promo:email:3/1d: unknown category "promo"']);
    expect(messages("marketing:email:3")?.[0]).toMatch(/must look like/);
    expect(messages("marketing:email:3/soon")?.[0]).toMatch(/not a duration/);
    expect(messages("marketing:email:0/1d")?.[0]).toMatch(/positive/);
  });
});
