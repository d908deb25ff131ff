import { describe, expect, it } from "vitest";
import { eventually } from "./eventually.ts";

describe("eventually", () => {
  it("returns the first truthy value, retrying through nulls and throws", async () => {
    let n = 0;
    const value = await eventually(() => {
      n++;
      if (n === 1) throw new Error("not yet");
      return n >= 3 ? { n } : null;
    }, 1000);
    expect(value).toEqual({ n: 3 });
  });

  it("when time runs out, throws the last error with what explain saw", async () => {
    const failure = eventually(() => null, { timeoutMs: 60, intervalMs: 10, explain: () => ({ jobs: 2 }) });
    await expect(failure).rejects.toThrow(/condition returned null\nstate when time ran out: \{"jobs":2\}/);
  });

  it("still throws the check's error when explain itself fails", async () => {
    const failure = eventually(
      () => {
        throw new Error("boom");
      },
      {
        timeoutMs: 30,
        explain: () => {
          throw new Error("redis gone");
        },
      },
    );
    await expect(failure).rejects.toThrow(/boom\nstate when time ran out: explain failed: Error: redis gone/);
  });
});
