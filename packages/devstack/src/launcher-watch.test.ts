import { describe, expect, it } from "vitest";
import { parentPid } from "./launcher-watch.ts";

describe("parentPid", () => {
  it("reads a process's parent from /proc, and nothing for a process that does not exist", () => {
    expect(parentPid(process.pid)).toBe(process.ppid);
    expect(parentPid(2 ** 22 + 12_345)).toBeUndefined();
  });
});
