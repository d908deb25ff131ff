import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePorts, isPortOpen } from "@herald/devstack";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");

/** `WORKER_LANES` of each worker process started for this Herald home (Linux: from /proc). */
function workerLanes(home: string): string[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        // The worker's own process, not the helpers it starts (esbuild's service inherits the environment).
        if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("apps/worker/src/main.ts")) return [];
        const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        if (!env.includes(`HERALD_HOME=${home}`)) return [];
        const lanes = env.find((e) => e.startsWith("WORKER_LANES="));
        return lanes ? [lanes.slice("WORKER_LANES=".length)] : [];
      } catch {
        return []; // gone, or not ours to read
      }
    })
    .sort();
}

describe("npm start on a machine with nothing running", () => {
  it("starts PostgreSQL, Redis, the API and two workers, answers /readyz, delivers an event and a password reset, and stops on npm's SIGTERM", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-start-"));
    const [port, pgPort, redisPort] = (await freePorts(3)) as [number, number, number];
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    for (const k of [
      "DATABASE_URL",
      "REDIS_URL",
      "HERALD_API_KEY",
      "VITEST",
      "VITEST_POOL_ID",
      "VITEST_WORKER_ID",
      "NODE_ENV",
      "ADMIN_EMAIL",
      "ADMIN_PASSWORD",
    ])
      delete env[k];
    const child = spawn("npm", ["start"], {
      cwd: repo,
      env: {
        ...env,
        HERALD_HOME: home,
        PORT: String(port),
        HERALD_PG_PORT: String(pgPort),
        HERALD_REDIS_PORT: String(redisPort),
        LOG_LEVEL: "warn",
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const ready = await eventually(
        async () => {
          const res = await fetch(`${base}/readyz`);
          return res.status === 200 ? ((await res.json()) as any) : null;
        },
        90_000,
        250,
      ).catch((err) => {
        throw new Error(`not ready: ${err.message}\n${output}`);
      });
      expect(ready.status).toBe("ready");
      expect(output).toContain("API key");

      const apiKey = readFileSync(join(home, "dev-api-key"), "utf8").trim();
      const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
      const res = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          type: "order_placed",
          userId: "ada",
          user: { email: "ada@example.com" },
          data: catalog.order_placed.example,
        }),
      });
      expect(res.status).toBe(202);
      const { eventId } = (await res.json()) as any;
      const event = await eventually(async () => {
        const e = (await (await fetch(`${base}/v1/events/${eventId}`, { headers })).json()) as any;
        return e.notifications?.length === 2 &&
          e.notifications.every((n: { status: string }) => n.status === "SENT")
          ? e
          : null;
      }, 30_000);
      expect(event.notifications.map((n: { channel: string }) => n.channel).sort()).toEqual([
        "email",
        "in_app",
      ]);

      // Two workers: the bulk and the critical lanes, each in a process of its own.
      expect(workerLanes(home)).toEqual(["critical", "normal"]);
      const reset = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers,
        body: JSON.stringify({ type: "password_reset", userId: "ada", data: catalog.password_reset.example }),
      });
      expect(reset.status).toBe(202);
      const resetId = ((await reset.json()) as any).eventId;
      await eventually(async () => {
        const e = (await (await fetch(`${base}/v1/events/${resetId}`, { headers })).json()) as any;
        return e.notifications?.some(
          (n: { channel: string; status: string }) => n.channel === "email" && n.status === "SENT",
        );
      }, 30_000);

      // The dashboard is built and served at /, and the printed dev admin signs in.
      expect(await (await fetch(`${base}/`)).text()).toContain('<div id="root">');
      const password = readFileSync(join(home, "dev-admin-password"), "utf8").trim();
      expect(output).toContain(`admin@herald.local / ${password}`);
      const login = await fetch(`${base}/v1/dashboard/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@herald.local", password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as any).user.role).toBe("admin");
      // Bull Board works from the API's own working directory (apps/api): page and its assets.
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const board = await fetch(`${base}/admin/queues`, { headers: { cookie } });
      expect(board.status).toBe(200);
      const script = /src="(static\/js\/main[^"]+)"/.exec(await board.text())?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${base}/admin/queues/${script}`, { headers: { cookie } })).status).toBe(200);

      // A supervisor that signals npm alone (`timeout`, a process manager) stops everything: npm
      // forwards SIGTERM to its script's shell, which must have exec'd the script, not waited on it.
      process.kill(child.pid!, "SIGTERM");
      const stopped = await Promise.race([
        exited,
        new Promise((r) => setTimeout(() => r("timeout"), 30_000)),
      ]);
      expect(stopped).not.toBe("timeout");
      expect(workerLanes(home)).toEqual([]);
      expect(await isPortOpen(port)).toBe(false);
    } finally {
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // already gone
        }
      };
      signal("SIGTERM");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
      if (code === "timeout") signal("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    }
    // The embedded servers stop with it (after the apps, so in-flight work is saved first).
    await eventually(async () => !(await isPortOpen(pgPort)) && !(await isPortOpen(redisPort)), 20_000);
    // When the checkout is unreachable for the postgres user (root in a 0700 directory) the cluster lives elsewhere.
    const dataDir = /embedded PostgreSQL on port \d+ \(data in (.+)\)/.exec(output)?.[1];
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);
});
