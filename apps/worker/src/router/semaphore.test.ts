import { describe, expect, it } from "vitest";
import { createSemaphore } from "./semaphore.ts";

/** A task that records its start and ends when `finish` is called. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createSemaphore", () => {
  it("runs tasks of weight 1 up to the capacity, the rest in order", async () => {
    const log: string[] = [];
    const run = createSemaphore(2);
    const gates = ["a", "b", "c", "d"].map((n) => gate(log, n));
    const results = gates.map((g) => run(g.task));
    await settle();
    expect(log).toEqual(["a", "b"]);
    gates[1]!.finish();
    await settle();
    expect(log).toEqual(["a", "b", "c"]);
    gates[0]!.finish();
    gates[2]!.finish();
    gates[3]!.finish();
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
  });

  it("admits light tasks together as long as their weights fit", async () => {
    const log: string[] = [];
    const run = createSemaphore(250);
    const gates = Array.from({ length: 6 }, (_, i) => gate(log, `g${i}`));
    const results = gates.map((g) => run(g.task, 50));
    await settle();
    expect(log).toEqual(["g0", "g1", "g2", "g3", "g4"]);
    gates[0]!.finish();
    await settle();
    expect(log).toHaveLength(6);
    for (const g of gates) g.finish();
    await Promise.all(results);
  });

  it("keeps a heavy task's turn: lighter ones behind it do not overtake", async () => {
    const log: string[] = [];
    const run = createSemaphore(100);
    const first = gate(log, "first");
    const heavy = gate(log, "heavy");
    const light = gate(log, "light");
    const results = [run(first.task, 60), run(heavy.task, 80), run(light.task, 10)];
    await settle();
    // 10 would fit beside the first task, but the heavy one asked before it.
    expect(log).toEqual(["first"]);
    first.finish();
    await settle();
    expect(log).toEqual(["first", "heavy", "light"]);
    heavy.finish();
    light.finish();
    await Promise.all(results);
  });

  it("runs a task heavier than the capacity alone instead of never", async () => {
    const log: string[] = [];
    const run = createSemaphore(10);
    const big = gate(log, "big");
    const small = gate(log, "small");
    const results = [run(big.task, 500), run(small.task, 1)];
    await settle();
    expect(log).toEqual(["big"]);
    big.finish();
    await settle();
    expect(log).toEqual(["big", "small"]);
    small.finish();
    await Promise.all(results);
  });

  it("frees the weight of a task that throws", async () => {
    const run = createSemaphore(1);
    await expect(run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await run(async () => "after")).toBe("after");
  });
});
