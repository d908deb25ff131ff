import { createLogger } from "@herald/logger";
import { describe, expect, it } from "vitest";
import { throttledWarn } from "./log-throttle.ts";

describe("throttledWarn", () => {
  it("logs the first warning, then one per interval saying how many it left out", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "warn",
      destination: { write: (s: string) => lines.push(JSON.parse(s)) },
    });
    let clock = 1_000;
    const warn = throttledWarn(logger, 10_000, () => clock);
    for (let i = 0; i < 5; i++) warn({ requestId: `r${i}` }, "dependency unavailable");
    clock += 9_999;
    warn({ requestId: "r5" }, "dependency unavailable");
    clock += 1;
    warn({ requestId: "r6" }, "dependency unavailable");
    warn({ requestId: "r7" }, "dependency unavailable");
    clock += 10_000;
    warn({ requestId: "r8" }, "dependency unavailable");
    expect(lines.map((l) => [l.requestId, l.suppressed, l.msg])).toEqual([
      ["r0", undefined, "dependency unavailable"],
      ["r6", 5, "dependency unavailable"],
      ["r8", 1, "dependency unavailable"],
    ]);
  });
});
