import { describe, expect, it } from "vitest";
import { appNodeOptions, DEFAULT_NODE_OPTIONS } from "./app-node-options.ts";

describe("appNodeOptions", () => {
  it("caps each app's heap by default, after the caller's own NODE_OPTIONS", () => {
    expect(appNodeOptions("worker", {})).toBe("--max-old-space-size=192 --max-semi-space-size=32");
    expect(appNodeOptions("api", {})).toBe("--max-old-space-size=192");
    expect(appNodeOptions("api", { NODE_OPTIONS: "--enable-source-maps" })).toBe(
      `--enable-source-maps ${DEFAULT_NODE_OPTIONS.api}`,
    );
  });

  it("takes <APP>_NODE_OPTIONS instead of the default, an empty one meaning no flags", () => {
    const env = { WORKER_NODE_OPTIONS: "--max-old-space-size=256", API_NODE_OPTIONS: "" };
    expect(appNodeOptions("worker", env)).toBe("--max-old-space-size=256");
    expect(appNodeOptions("api", env)).toBe("");
  });
});
