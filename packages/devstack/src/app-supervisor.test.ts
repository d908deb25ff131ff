import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type SupervisedChild, superviseApps } from "./app-supervisor.ts";

/** A child process that exits when told to. */
class FakeChild extends EventEmitter implements SupervisedChild {
  killed: NodeJS.Signals[] = [];
  constructor(readonly name: string) {
    super();
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    this.emit("exit", code, signal);
  }
  kill(signal: NodeJS.Signals = "SIGTERM") {
    this.killed.push(signal);
    queueMicrotask(() => this.exit(null, signal));
    return true;
  }
}

function supervised() {
  const started: FakeChild[] = [];
  const lines: string[] = [];
  const configErrors: string[] = [];
  const supervisor = superviseApps({
    start: (name) => {
      const child = new FakeChild(name);
      started.push(child);
      return child;
    },
    log: (line) => lines.push(line),
    onConfigError: (name) => configErrors.push(name),
    now: () => Date.now(),
  });
  const latest = () => started.at(-1)!;
  return { supervisor, started, lines, configErrors, latest };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("superviseApps", () => {
  it("restarts a crashed app after a wait that doubles while it keeps crashing, up to 10 s", async () => {
    const { supervisor, started, lines, latest } = supervised();
    supervisor.run("worker");
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      latest().exit(1);
      waits.push(Number(/restarting in (\d+) ms/.exec(lines.at(-1)!)![1]));
      await vi.advanceTimersByTimeAsync(waits.at(-1)!);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(started).toHaveLength(8);
    await supervisor.stop();
  });

  it("starts the waits over once an app had run a minute before it crashed", async () => {
    const { supervisor, lines, latest } = supervised();
    supervisor.run("api");
    for (let i = 0; i < 6; i++) {
      latest().exit(1);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(lines.at(-1)).toMatch(/restarting in 10000 ms/);
    await vi.advanceTimersByTimeAsync(60_000); // up and serving for a minute
    latest().exit(null, "SIGKILL"); // the OOM killer
    expect(lines.at(-1)).toBe("api exited (SIGKILL); restarting in 500 ms");
    await supervisor.stop();
  });

  it("starts nothing once stopping began, not even a restart that was already waiting", async () => {
    const { supervisor, started, latest } = supervised();
    supervisor.run("api");
    supervisor.run("worker");
    started[1]!.exit(1); // the worker crashed: a restart waits 500 ms
    await supervisor.stop();
    expect(started[0]!.killed).toEqual(["SIGTERM"]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(started).toHaveLength(2);
    supervisor.run("worker");
    expect(started).toHaveLength(2);
    expect(latest().name).toBe("worker");
  });

  it("does not restart an app with a configuration error (exit 78), and says so", async () => {
    const { supervisor, started, lines, configErrors } = supervised();
    supervisor.run("api");
    started[0]!.exit(78);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(started).toHaveLength(1);
    expect(configErrors).toEqual(["api"]);
    expect(lines).toEqual(["api has a configuration error (see above); not restarting"]);
  });
});
