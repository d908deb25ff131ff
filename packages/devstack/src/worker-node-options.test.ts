import { describe, expect, it } from "vitest";
import { DEFAULT_WORKER_NODE_OPTIONS, workerNodeOptions } from "./worker-node-options.ts";

describe("workerNodeOptions", () => {
  it("caps the heap by default, after the caller's own NODE_OPTIONS", () => {
    expect(workerNodeOptions({})).toBe(DEFAULT_WORKER_NODE_OPTIONS);
    expect(workerNodeOptions({ NODE_OPTIONS: "--enable-source-maps" })).toBe(
      `--enable-source-maps ${DEFAULT_WORKER_NODE_OPTIONS}`,
    );
  });

  it("takes WORKER_NODE_OPTIONS instead of the default, an empty one meaning no flags", () => {
    expect(workerNodeOptions({ WORKER_NODE_OPTIONS: "--max-old-space-size=256" })).toBe(
      "--max-old-space-size=256",
    );
    expect(workerNodeOptions({ WORKER_NODE_OPTIONS: "" })).toBe("");
  });
});
