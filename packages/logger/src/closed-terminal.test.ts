import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";

const fixture = resolve(import.meta.dirname, "../test/hangup-fixture.ts");

async function waitFor(file: string, content: RegExp, ms: number): Promise<string> {
  const until = Date.now() + ms;
  let seen = "";
  while (Date.now() < until) {
    try {
      seen = readFileSync(file, "utf8");
    } catch {
      // not written yet
    }
    if (content.test(seen)) return seen;
    await sleep(50);
  }
  return seen;
}

describe("the default logger on a terminal that is closed", () => {
  it("lets the process go on after the hangup instead of dying on its next line (EIO)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "herald-hangup-"));
    const marker = join(dir, "marker");
    // `script` (util-linux, on every Debian) gives the process a pseudo-terminal; killing it closes
    // the terminal: the kernel sends SIGHUP and later writes to it fail with EIO.
    const terminal = spawn(
      "script",
      ["-qfc", `${process.execPath} --import tsx ${fixture} ${marker}`, "/dev/null"],
      { stdio: "ignore", detached: true },
    );
    let pid = 0;
    try {
      const ready = await waitFor(marker, /^ready \d+$/, 20_000);
      expect(ready).toMatch(/^ready/);
      pid = Number(ready.split(" ")[1]);
      await sleep(200); // some lines on the terminal first
      terminal.kill("SIGKILL");
      expect(await waitFor(marker, /^stopped cleanly$/, 10_000)).toBe("stopped cleanly");
    } finally {
      // The fixture runs in the terminal's own session: not in `script`'s process group.
      for (const target of [-terminal.pid!, pid]) {
        try {
          if (target) process.kill(target, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
