import { describe, expect, it } from "vitest";
import { searchCapacity } from "./capacity-search.ts";

const below = (limit: number) => async (rate: number) => rate <= limit;

describe("searchCapacity", () => {
  it("doubles until a failure, then bisects to within the resolution", async () => {
    const { best, probes } = await searchCapacity(below(130), { ceiling: 1000 });
    // 141 / 119 is within 1.25: close enough for one noisy probe per rate.
    expect(probes.map((p) => [p.rate, p.pass])).toEqual([
      [25, true],
      [50, true],
      [100, true],
      [200, false],
      [141, false],
      [119, true],
    ]);
    expect(best).toBe(119);
  });

  it("stops at the ceiling when it passes", async () => {
    const { best, probes } = await searchCapacity(below(5000), { ceiling: 1000 });
    expect(probes.map((p) => p.rate)).toEqual([25, 50, 100, 200, 400, 800, 1000]);
    expect(best).toBe(1000);
  });

  it("halves from the start when the first probe fails, and reports 0 below the floor", async () => {
    const low = await searchCapacity(below(8), { ceiling: 1000 });
    expect(low.probes.map((p) => p.rate)).toEqual([25, 13, 7, 10, 8]);
    expect(low.best).toBe(8);
    const none = await searchCapacity(below(1), { ceiling: 1000 });
    expect(none.best).toBe(0);
    expect(none.probes.map((p) => p.rate)).toEqual([25, 13, 7]);
  });

  it("spends at most maxProbes", async () => {
    const { probes } = await searchCapacity(below(130), { ceiling: 1000, maxProbes: 3 });
    expect(probes).toHaveLength(3);
  });
});
