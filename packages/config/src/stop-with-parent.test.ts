import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const module = resolve(import.meta.dirname, "stop-with-parent.ts");

/** A Node process with an IPC channel to this one (as `npm start` runs the apps) running `body` after `stopWithParent()`. */
function child(body: string, before = ""): { proc: ChildProcess; output: () => string } {
  const code = `import { stopWithParent } from ${JSON.stringify(module)};
    process.on("SIGTERM", () => { console.log("stopping on SIGTERM"); process.exit(0); });
    ${before}
    stopWithParent();
    ${body}`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  return { proc, output: () => out };
}

const exitOf = async (proc: ChildProcess) => {
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [code, signal] = await once(proc, "exit");
  clearTimeout(timer);
  return { code, signal };
};

describe("stopWithParent", () => {
  it("stops the process as on SIGTERM when its parent's channel goes away", async () => {
    const { proc, output } = child(`process.send("ready"); setInterval(() => {}, 1000);`);
    await once(proc, "message");
    proc.disconnect(); // what the parent's death (kill -9) does to the channel
    expect(await exitOf(proc)).toEqual({ code: 0, signal: null });
    expect(output()).toContain("stopping on SIGTERM");
  });

  it("stops the process when the channel went away before it was called (the parent died during start-up)", async () => {
    const { proc, output } = child(
      `setInterval(() => {}, 1000);`,
      `process.send("ready"); await new Promise((r) => process.once("disconnect", () => setTimeout(r, 200)));`,
    );
    await once(proc, "message");
    proc.disconnect();
    expect(await exitOf(proc)).toEqual({ code: 0, signal: null });
    expect(output()).toContain("stopping on SIGTERM");
  });

  it("does not keep a process alive by the channel alone", async () => {
    const { proc, output } = child(`console.log("done");`);
    expect(await exitOf(proc)).toEqual({ code: 0, signal: null });
    expect(output()).toBe("done\n");
  });
});
