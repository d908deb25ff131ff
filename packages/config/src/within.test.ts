import { describe, expect, it } from "vitest";
import { within } from "./within.ts";

const never = new Promise<never>(() => {});

describe("within", () => {
  it("answers what the promise answers when it settles in time", async () => {
    await expect(within(Promise.resolve(42), 1000)).resolves.toBe(42);
    await expect(within(Promise.reject(new Error("refused")), 1000)).rejects.toThrow("refused");
  });

  it("rejects once the time is up when the promise never settles", async () => {
    const started = performance.now();
    await expect(within(never, 50)).rejects.toThrow("timed out after 50 ms");
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
