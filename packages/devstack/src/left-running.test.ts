import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDevServices } from "./dev-services.ts";
import { livePidFrom } from "./left-running.ts";
import { freePort, isPortOpen } from "./net.ts";
import { RedisServer } from "./redis-server.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A redis-server in `root/redis`, as an earlier `npm start` of that home would have left it. */
async function leftRedis(): Promise<{ root: string; port: number; server: RedisServer }> {
  const root = mkdtempSync(join(tmpdir(), "herald-left-"));
  const port = await freePort();
  const server = new RedisServer({ dir: join(root, "redis"), port, appendonly: false });
  await server.start();
  cleanups.push(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });
  return { root, port, server };
}

describe("servers left running by an earlier run", () => {
  it("are taken over with adoptLeftRunning: stop() stops them", async () => {
    const { root, port, server } = await leftRedis();
    expect(livePidFrom(server.pidFile, "redis-server")).toBe(server.pid);
    const lines: string[] = [];
    const services = await ensureDevServices({
      root,
      databaseUrl: "postgres://unused",
      redisPort: port,
      adoptLeftRunning: true,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([
      `using the Redis left running on port ${port} by an earlier run (pid ${server.pid}); it stops with this one`,
    ]);
    await services.stop();
    expect(await isPortOpen(port)).toBe(false);
  });

  it("are reused and left running without it (another run of the same home still uses them)", async () => {
    const { root, port } = await leftRedis();
    const lines: string[] = [];
    const services = await ensureDevServices({
      root,
      databaseUrl: "postgres://unused",
      redisPort: port,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([`using the Redis already running on port ${port}`]);
    await services.stop();
    expect(await isPortOpen(port)).toBe(true);
  });

  it("a server on the port that is not this home's is never taken over", async () => {
    const { port } = await leftRedis();
    const other = mkdtempSync(join(tmpdir(), "herald-other-"));
    cleanups.push(() => rmSync(other, { recursive: true, force: true }));
    const lines: string[] = [];
    const services = await ensureDevServices({
      root: other,
      databaseUrl: "postgres://unused",
      redisPort: port,
      adoptLeftRunning: true,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([`using the Redis already running on port ${port}`]);
    await services.stop();
    expect(await isPortOpen(port)).toBe(true);
  });

  it("livePidFrom ignores a pid file whose process runs something else, or is gone", () => {
    const dir = mkdtempSync(join(tmpdir(), "herald-pid-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "x.pid");
    writeFileSync(file, `${process.pid}\n`);
    expect(livePidFrom(file, "redis-server")).toBeUndefined();
    expect(livePidFrom(file, "node")).toBe(process.pid);
    writeFileSync(file, "999999999\n");
    expect(livePidFrom(file, "node")).toBeUndefined();
    writeFileSync(file, "garbage\n");
    expect(livePidFrom(file, "node")).toBeUndefined();
  });
});
