import { describe, expect, it } from "vitest";
import { keepRunning } from "./kept-running.ts";

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("keepRunning", () => {
  it("starts a server found dead again, retrying a failed start, and logs each step", async () => {
    let up = true;
    let attempts = 0;
    const lines: string[] = [];
    const keeper = keepRunning(
      {
        what: "Redis on port 1",
        alive: () => up,
        restart: async () => {
          attempts++;
          if (attempts === 1) throw new Error("port busy");
          up = true;
        },
      },
      { log: (l) => lines.push(l), intervalMs: 20, maxBackoffMs: 50 },
    );
    try {
      await new Promise((r) => setTimeout(r, 60));
      expect(attempts).toBe(0); // alive: left alone
      up = false;
      await until(() => up);
      expect(attempts).toBe(2);
      expect(lines).toEqual([
        "Redis on port 1 stopped unexpectedly; starting it again",
        "Redis on port 1 did not start (port busy); trying again in 500 ms",
        "Redis on port 1 is running again",
      ]);
      up = false; // and again: the watch goes on after a restart
      await until(() => up);
      expect(attempts).toBe(3);
    } finally {
      await keeper.stop();
    }
  });

  it("does nothing once stopped, and stop() waits for a restart in hand", async () => {
    let up = true;
    let restarted = 0;
    let release: () => void = () => {};
    const keeper = keepRunning(
      {
        what: "PostgreSQL",
        alive: () => up,
        restart: () =>
          new Promise<void>((r) => {
            release = () => {
              restarted++;
              up = true;
              r();
            };
          }),
      },
      { log: () => {}, intervalMs: 10 },
    );
    up = false;
    await new Promise((r) => setTimeout(r, 50));
    let stopped = false;
    const stopping = keeper.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(restarted).toBe(1);
    up = false; // a stop on purpose, as services.stop() does next: not restarted
    await new Promise((r) => setTimeout(r, 60));
    expect(restarted).toBe(1);
  });
});
