/**
 * A calibration printed with every bench run: what one HTTP request costs a
 * do-nothing node:http server, in CPU, when requests come seldom and when
 * they come often. On a machine where waking an idle process is expensive
 * (a VM that exits to its host on every sleep and wake-up) the first figure
 * is many times the second, and every hop of Herald's path (API → PostgreSQL
 * → Redis → worker) pays it whenever the load leaves processes idle between
 * messages. It lets two machines' bench figures be compared, and tells
 * whether a slow run is the code or the machine.
 */
import { type ChildProcess, fork } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface WakeCost {
  /** Requests/s offered (paced, one at a time unless they overlap). */
  rate: number;
  /** The server process's CPU per request, µs. */
  serverUs: number;
}

function post(agent: Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/",
        method: "POST",
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", reject);
    req.end('{"type":"probe","userId":"u_1","data":{}}');
  });
}

function cpuUs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve((m as { cpuUs: number }).cpuUs));
    child.send({ cmd: "cpu" });
  });
}

async function paced(agent: Agent, port: number, rate: number, count: number): Promise<void> {
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(post(agent, port));
  }
  await Promise.all(inflight);
}

/**
 * Server CPU per request at each rate (default 50/s and 3,000/s), from the
 * server process's own `process.cpuUsage()`; `seconds` per rate (default 2).
 */
export async function measureWakeCost(rates = [50, 3000], seconds = 2): Promise<WakeCost[]> {
  const child: ChildProcess = fork(join(import.meta.dirname, "wake-echo-server.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const port = await new Promise<number>((resolve) =>
      child.once("message", (m) => resolve((m as { port: number }).port)),
    );
    const out: WakeCost[] = [];
    for (const rate of rates) {
      await paced(agent, port, 1000, 200); // sockets open, JIT warm
      await sleep(100);
      const count = Math.max(50, Math.round(rate * seconds));
      const before = await cpuUs(child);
      await paced(agent, port, rate, count);
      out.push({ rate, serverUs: ((await cpuUs(child)) - before) / count });
    }
    return out;
  } finally {
    agent.destroy();
    child.send({ cmd: "stop" });
    await new Promise((resolve) => child.once("exit", resolve));
  }
}
