import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { embeddedPostgresDataDirs, freeConsecutivePorts, freePorts, isPortOpen } from "@herald/devstack";
import { catalog } from "@herald/templates";
import { eventually, occupiedPort, runToExit, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");

interface HeraldProcess {
  pid: string;
  cmdline: string;
  /** A worker's `WORKER_LANES`, if set. */
  lanes?: string;
}

/**
 * Every process started for this Herald home (Linux: from /proc), and the Redis server on
 * `redisPort`, which runs with an environment of its own.
 */
function processesOf(home: string, redisPort = 0): HeraldProcess[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        const ours = env.includes(`HERALD_HOME=${home}`) || (redisPort && cmdline.includes(`:${redisPort}`));
        if (!ours) return [];
        const lanes = env.find((e) => e.startsWith("WORKER_LANES="))?.slice("WORKER_LANES=".length);
        return [{ pid, cmdline, ...(lanes ? { lanes } : {}) }];
      } catch {
        return []; // gone, or not ours to read
      }
    });
}

/** The processes `list` still finds after waiting up to `ms` for none (their command lines, for the failure message). */
async function leftAfter(list: () => HeraldProcess[], ms: number): Promise<string[]> {
  return eventually(() => (list().length === 0 ? [] : null), ms, 250).catch(() =>
    list().map((p) => p.cmdline.slice(0, 120)),
  );
}

/** SIGKILL to each of them: a test's cleanup, whatever it left running. */
function killAll(processes: HeraldProcess[]): void {
  for (const p of processes) {
    try {
      process.kill(Number(p.pid), "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** `WORKER_LANES` of each worker process started for this Herald home. */
function workerLanes(home: string): string[] {
  // The worker's own process, not the helpers it starts (esbuild's service inherits the environment).
  return processesOf(home)
    .filter((p) => p.cmdline.includes("apps/worker/src/main.ts"))
    .flatMap((p) => (p.lanes ? [p.lanes] : []))
    .sort();
}

/** The environment of `npm start` on a machine with nothing configured, in a home and on ports of its own. */
function startEnv(home: string, port: number, pgPort: number, redisPort: number): Record<string, string> {
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
  return {
    ...env,
    HERALD_HOME: home,
    PORT: String(port),
    HERALD_PG_PORT: String(pgPort),
    HERALD_REDIS_PORT: String(redisPort),
    LOG_LEVEL: "warn",
  };
}

async function readyz(port: number): Promise<{ status: string } | null> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return res.status === 200 ? ((await res.json()) as { status: string }) : null;
}

/** The home and its embedded PostgreSQL's data, which lives elsewhere when the postgres user cannot reach the home. */
function removeHome(home: string): void {
  for (const dir of [home, ...embeddedPostgresDataDirs(home)]) rmSync(dir, { recursive: true, force: true });
}

interface Ports {
  port: number;
  pgPort: number;
  redisPort: number;
}

/** The API and worker processes started for this Herald home. */
const appsOf = (home: string) =>
  processesOf(home).filter((p) => /apps\/(api|worker)\/src\/main\.ts/.test(p.cmdline));

/** The supervisor: node running scripts/start.ts (not npm's shell around it). */
const supervisorOf = (home: string) =>
  processesOf(home).find((p) => p.cmdline.includes("scripts/start.ts") && p.cmdline.includes("--import"));

/**
 * `npm start` in a process group of its own, on free ports and a fresh home; `body` runs once it
 * answers /readyz (or, with `whenAppsSpawned`, as soon as its three app processes exist, still
 * starting). Whatever is left of it afterwards is killed and the home removed.
 */
async function withNpmStart(
  prefix: string,
  body: (s: { npm: ChildProcess; home: string; ports: Ports }) => Promise<void>,
  { whenAppsSpawned = false } = {},
): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const [port, pgPort, redisPort] = (await freePorts(3)) as [number, number, number];
  const npm = spawn("npm", ["start"], {
    cwd: repo,
    env: startEnv(home, port, pgPort, redisPort),
    detached: true,
    stdio: "ignore",
  });
  try {
    if (whenAppsSpawned) await eventually(() => appsOf(home).length === 3 || null, 90_000, 50);
    else await eventually(() => readyz(port), 90_000, 250);
    await body({ npm, home, ports: { port, pgPort, redisPort } });
  } finally {
    try {
      process.kill(-npm.pid!, "SIGKILL");
    } catch {
      // gone
    }
    killAll(processesOf(home, redisPort));
    removeHome(home);
  }
}

/** Headers of the dev API key `npm start` made for `home`. */
function devHeaders(home: string): Record<string, string> {
  const apiKey = readFileSync(join(home, "dev-api-key"), "utf8").trim();
  // The format every other key has (README, Security): a test key, 40 base62 characters.
  expect(apiKey).toMatch(/^hk_test_[0-9A-Za-z]{40}$/);
  return { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
}

/** Sends an order_placed event to `userId` (with an e-mail address); the channels of its notifications once all are SENT. */
async function sendsAnOrder(
  base: string,
  headers: Record<string, string>,
  { userId = `ada-${Date.now()}`, ms = 30_000 } = {},
): Promise<string[]> {
  const res = await fetch(`${base}/v1/events`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      type: "order_placed",
      userId,
      user: { email: `${userId}@example.com` },
      data: catalog.order_placed.example,
    }),
  });
  expect(res.status).toBe(202);
  const { eventId } = (await res.json()) as { eventId: string };
  const event = await eventually(async () => {
    const e = (await (await fetch(`${base}/v1/events/${eventId}`, { headers })).json()) as any;
    return e.notifications?.length === 2 &&
      e.notifications.every((n: { status: string }) => n.status === "SENT")
      ? e
      : null;
  }, ms);
  return event.notifications.map((n: { channel: string }) => n.channel).sort();
}

/** Nothing started for `home` is left within 40 s, and none of its ports answers. */
async function expectNothingLeft(home: string, { port, pgPort, redisPort }: Ports): Promise<void> {
  expect(await leftAfter(() => processesOf(home, redisPort), 40_000)).toEqual([]);
  for (const p of [port, pgPort, redisPort]) expect(await isPortOpen(p), `port ${p}`).toBe(false);
}

describe("npm start on a machine with nothing running", () => {
  it("starts PostgreSQL, Redis, the API and two workers, answers /readyz, delivers an event and a password reset, and stops on npm's SIGTERM", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-start-"));
    const [port, pgPort, redisPort] = (await freePorts(3)) as [number, number, number];
    // One health port for two workers: the critical-lanes worker takes the next one, which must be free too.
    const healthPort = await freeConsecutivePorts(2);
    const child = spawn("npm", ["start"], {
      cwd: repo,
      env: { ...startEnv(home, port, pgPort, redisPort), WORKER_HEALTH_PORT: String(healthPort) },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let serversStopped = false;
    try {
      const base = `http://127.0.0.1:${port}`;
      const ready = await eventually(() => readyz(port), 90_000, 250).catch((err) => {
        throw new Error(`not ready: ${err.message}\n${output}`);
      });
      expect(ready.status).toBe("ready");
      // The banner follows the API's listening by a poll of npm start's own.
      await eventually(() => output.includes("API key"), 5_000).catch(() => {
        throw new Error(`no banner:\n${output}`);
      });

      const headers = devHeaders(home);
      expect(await sendsAnOrder(base, headers, { userId: "ada" })).toEqual(["email", "in_app"]);

      // Two workers: the bulk and the critical lanes, each in a process of its own.
      expect(workerLanes(home)).toEqual(["critical", "normal"]);
      for (const p of [healthPort, healthPort + 1])
        expect((await fetch(`http://127.0.0.1:${p}/readyz`)).status).toBe(200);
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
      // The embedded servers stop with it (after the apps, so in-flight work is saved first).
      serversStopped = await eventually(
        async () => !(await isPortOpen(pgPort)) && !(await isPortOpen(redisPort)),
        20_000,
      ).then(
        () => true,
        () => false,
      );
      removeHome(home);
    }
    expect(serversStopped).toBe(true);
  }, 180_000);

  it("refuses at once, starting nothing, when the API's port is taken", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-busy-"));
    const taken = await occupiedPort();
    const [pgPort, redisPort] = (await freePorts(2)) as [number, number];
    try {
      const { code, output } = await runToExit("npm", ["start"], {
        cwd: repo,
        env: startEnv(home, taken.port, pgPort, redisPort),
      });
      expect(code).toBe(1);
      expect(output).toContain(`port ${taken.port} is already in use`);
      expect(output).toContain(`PORT=${taken.port + 1} npm start`);
      expect(await isPortOpen(pgPort)).toBe(false);
      expect(await isPortOpen(redisPort)).toBe(false);
    } finally {
      taken.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it("refuses a PORT that is not a port number in one line, starting nothing", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-badport-"));
    const [pgPort, redisPort] = (await freePorts(2)) as [number, number];
    try {
      for (const bad of ["70000", "abc"]) {
        const { code, output } = await runToExit("npm", ["start"], {
          cwd: repo,
          env: { ...startEnv(home, 0, pgPort, redisPort), PORT: bad },
        });
        expect(code, bad).toBe(1);
        expect(output).toContain(`[herald] PORT must be a port number from 1 to 65535, not "${bad}"`);
        expect(output).not.toMatch(/\n\s+at /);
        expect(await isPortOpen(pgPort)).toBe(false);
        expect(await isPortOpen(redisPort)).toBe(false);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it("says what to fix, without a stack trace or the password, when DATABASE_URL names a PostgreSQL it cannot use", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-nodb-"));
    const [port, pgPort, redisPort, nobody] = (await freePorts(4)) as [number, number, number, number];
    try {
      const { code, output } = await runToExit("npm", ["start"], {
        cwd: repo,
        env: {
          ...startEnv(home, port, pgPort, redisPort),
          DATABASE_URL: `postgres://herald:s3cret-pw@127.0.0.1:${nobody}/herald`,
          REDIS_URL: testRedisUrl(),
        },
      });
      expect(code).toBe(1);
      expect(output).toContain(
        `cannot use PostgreSQL at postgres://herald:***@127.0.0.1:${nobody}/herald: ECONNREFUSED. Start it or fix DATABASE_URL`,
      );
      expect(output).not.toContain("s3cret-pw");
      expect(output).not.toMatch(/^\s+at /m);
      expect(await isPortOpen(port)).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it("the API and workers stop when npm start itself is killed with kill -9; the next npm start takes over the servers it left and stops them", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-kill-"));
    const [port, pgPort, redisPort] = (await freePorts(3)) as [number, number, number];
    const child = spawn("npm", ["start"], {
      cwd: repo,
      env: startEnv(home, port, pgPort, redisPort),
      detached: true,
      stdio: "ignore",
    });
    const apps = () => appsOf(home);
    let second: ChildProcess | undefined;
    try {
      await eventually(() => readyz(port), 90_000, 250);
      expect(apps()).toHaveLength(3);
      // The supervisor itself (node running scripts/start.ts), as the OOM killer would.
      const supervisor = supervisorOf(home);
      expect(supervisor).toBeDefined();
      process.kill(Number(supervisor!.pid), "SIGKILL");
      expect(await leftAfter(apps, 30_000)).toEqual([]);
      expect(await isPortOpen(port)).toBe(false);
      // PostgreSQL and Redis run on (their own process groups): the next npm start uses them…
      expect(await isPortOpen(pgPort)).toBe(true);
      expect(await isPortOpen(redisPort)).toBe(true);
      const next = spawn("npm", ["start"], {
        cwd: repo,
        env: startEnv(home, port, pgPort, redisPort),
        detached: true,
      });
      let output = "";
      for (const stream of [next.stdout, next.stderr]) stream.on("data", (d) => (output += d));
      second = next;
      await eventually(() => readyz(port), 90_000, 250);
      expect(output).toContain(`using the PostgreSQL left running on port ${pgPort} by an earlier run`);
      expect(output).toContain(`using the Redis left running on port ${redisPort} by an earlier run`);
      // …and stops them when it stops: nothing of this home is left.
      process.kill(next.pid!, "SIGTERM");
      expect(await leftAfter(() => processesOf(home, redisPort), 40_000)).toEqual([]);
      expect(await isPortOpen(pgPort)).toBe(false);
      expect(await isPortOpen(redisPort)).toBe(false);
    } finally {
      for (const group of [child, second])
        try {
          if (group) process.kill(-group.pid!, "SIGKILL");
        } catch {
          // gone
        }
      killAll(processesOf(home, redisPort));
      removeHome(home);
    }
  }, 240_000);

  it("starts its PostgreSQL and Redis again when they are killed (the OOM killer), and goes on delivering", async () => {
    await withNpmStart("herald-serverkill-", async ({ home, ports }) => {
      const servers = () =>
        processesOf(home, ports.redisPort).filter((p) => /\/postgres -D |redis-server /.test(p.cmdline));
      const before = servers();
      expect(before).toHaveLength(2);
      for (const p of before) process.kill(Number(p.pid), "SIGKILL");
      // Both come back as new processes on the same ports, and the apps reconnect to them.
      await eventually(() => {
        const now = servers();
        return now.length === 2 && now.every((p) => !before.some((b) => b.pid === p.pid)) ? now : null;
      }, 60_000);
      await eventually(async () => (await readyz(ports.port))?.status === "ready" || null, 60_000, 250);
      const base = `http://127.0.0.1:${ports.port}`;
      expect(await sendsAnOrder(base, devHeaders(home), { ms: 60_000 })).toEqual(["email", "in_app"]);
    });
  }, 240_000);

  it("the API and workers stop when npm start is killed with kill -9 while they are still starting", async () => {
    await withNpmStart(
      "herald-startkill-",
      async ({ home, ports }) => {
        const supervisor = supervisorOf(home);
        expect(supervisor).toBeDefined();
        process.kill(Number(supervisor!.pid), "SIGKILL");
        // They lost their parent before they could listen for it: they must find out when they do.
        expect(await leftAfter(() => appsOf(home), 30_000)).toEqual([]);
        expect(await isPortOpen(ports.port)).toBe(false);
      },
      { whenAppsSpawned: true },
    );
  }, 180_000);

  it("stops everything it started when the npm process itself is killed with kill -9", async () => {
    // `npm` itself is the spawned process: what `timeout -s KILL npm start` or a process manager holds.
    await withNpmStart("herald-npmkill-", async ({ npm, home, ports }) => {
      process.kill(npm.pid!, "SIGKILL");
      await expectNothingLeft(home, ports);
    });
  }, 180_000);

  it("stops everything it started on Ctrl-C (SIGINT to its process group), even while the supervisor is busy", async () => {
    await withNpmStart("herald-ctrlc-", async ({ npm, home, ports }) => {
      const supervisor = supervisorOf(home);
      expect(supervisor).toBeDefined();
      // Busy for 300 ms when the signal comes (a loaded machine, its own shutdown): a wrapper between
      // npm and the supervisor that relays signals (tsx's CLI) took it for hung and SIGKILLed it after
      // 60 ms, orphaning PostgreSQL and Redis, which run in process groups of their own.
      process.kill(Number(supervisor!.pid), "SIGSTOP");
      process.kill(-npm.pid!, "SIGINT");
      await new Promise((r) => setTimeout(r, 300));
      process.kill(Number(supervisor!.pid), "SIGCONT");
      await expectNothingLeft(home, ports);
    });
  }, 180_000);

  it("stops everything it started, PostgreSQL and Redis included, when its terminal is closed", async () => {
    const home = mkdtempSync(join(tmpdir(), "herald-hangup-"));
    const log = `${home}.log`;
    const [port, pgPort, redisPort] = (await freePorts(3)) as [number, number, number];
    // `script` (util-linux, on every Debian) runs npm start on a pseudo-terminal; killing `script`
    // closes that terminal, as closing a terminal window does: the kernel sends SIGHUP.
    const terminal = spawn("script", ["-qfc", "npm start", log], {
      cwd: repo,
      env: startEnv(home, port, pgPort, redisPort),
      detached: true,
      stdio: "ignore",
    });
    try {
      await eventually(() => readyz(port), 90_000, 250).catch((err) => {
        throw new Error(`not ready: ${err.message}\n${readFileSync(log, "utf8")}`);
      });
      expect(workerLanes(home)).toEqual(["critical", "normal"]);
      terminal.kill("SIGKILL");
      // Nothing started for this home is left: the apps, npm, its scripts and both servers.
      expect(await leftAfter(() => processesOf(home, redisPort), 40_000)).toEqual([]);
      expect(await isPortOpen(pgPort)).toBe(false);
      expect(await isPortOpen(redisPort)).toBe(false);
    } finally {
      killAll(processesOf(home, redisPort));
      removeHome(home);
      rmSync(log, { force: true });
    }
  }, 180_000);
});
