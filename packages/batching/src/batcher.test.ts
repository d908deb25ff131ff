import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher.ts";

describe("createBatcher", () => {
  it("runs a lone item at once and groups items arriving while a batch is in flight", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const b = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items.map((i) => i * 10);
      },
      { maxInFlight: 1 },
    );
    const first = b.run(1);
    await new Promise((r) => setTimeout(r, 5));
    const rest = [b.run(2), b.run(3), b.run(4)];
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1]]);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("caps batch size and rejects every item of a failed batch", async () => {
    const sizes: number[] = [];
    const b = createBatcher(
      async (items: number[]) => {
        sizes.push(items.length);
        if (items.includes(-1)) throw new Error("boom");
        return items;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([b.run(1), b.run(2), b.run(-1), b.run(3), b.run(4)]);
    expect(sizes).toEqual([2, 2, 1]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
  });

  it("with isolate, re-runs a failed batch's items one by one so only the bad one fails", async () => {
    const batches: number[][] = [];
    const b = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (items.includes(-1)) throw new Error("bad item");
        if (items.includes(-2)) throw new Error("database down");
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1, isolate: (err) => (err as Error).message === "bad item" },
    );
    const mixed = await Promise.allSettled([b.run(1), b.run(-1), b.run(3)]);
    expect(mixed.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      2,
      "bad item",
      6,
    ]);
    expect(batches).toEqual([[1, -1, 3], [1], [-1], [3]]);
    // Errors it does not accept still fail the whole batch, with no re-runs.
    batches.length = 0;
    const down = await Promise.allSettled([b.run(5), b.run(-2)]);
    expect(down.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(batches).toEqual([[5, -2]]);
  });

  it("runs urgent items in a lane of their own, past the batches in flight", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const b = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (items.includes(1)) await gate;
        return items.map((i) => i * 10);
      },
      { maxInFlight: 1 },
    );
    const stuck = b.run(1);
    await new Promise((r) => setTimeout(r, 5));
    const waiting = [b.run(2), b.run(3)];
    // Both urgent items go together, while the normal lane is still blocked.
    const urgent = [b.run(100, { urgent: true }), b.run(200, { urgent: true })];
    expect(await Promise.all(urgent)).toEqual([1000, 2000]);
    expect(batches).toEqual([[1], [100, 200]]);
    release();
    expect(await Promise.all([stuck, ...waiting])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1], [100, 200], [2, 3]]);
  });
});
