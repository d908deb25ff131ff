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
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type HttpClient, httpClient, paced } from "./http-load.ts";
import { ask } from "./raw-ceiling.ts";

export interface WakeCost {
  /** Requests/s offered (paced, one at a time unless they overlap). */
  rate: number;
  /** The server process's CPU per request, µs. */
  serverUs: number;
}

const PROBE = { type: "probe", userId: "u_1", data: {} };

/**
 * Server CPU per request at each rate (default 50/s and 3,000/s), from the
 * server process's own `process.cpuUsage()`; `seconds` per rate (default 2),
 * paced as the steady scenario paces its POSTs.
 */
export async function measureWakeCost(rates = [50, 3000], seconds = 2): Promise<WakeCost[]> {
  const child: ChildProcess = fork(join(import.meta.dirname, "wake-echo-server.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let client: HttpClient | undefined;
  try {
    const { port } = await new Promise<{ port: number }>((resolve) =>
      child.once("message", (m) => resolve(m as { port: number })),
    );
    client = httpClient(`http://127.0.0.1:${port}`, "probe");
    const post = () => client!.post("/", PROBE);
    const out: WakeCost[] = [];
    // V8 optimises the server's path only after a few thousand requests; measured
    // cold, the seldom rate's figure is mostly compilation (~3× the warm one here).
    await paced(3000, 1.5, post);
    for (const rate of rates) {
      await paced(1000, 0.2, post); // sockets open
      await sleep(100);
      const before = await ask<{ cpuUs: number }>(child, "cpu");
      const run = await paced(rate, seconds, post);
      const after = await ask<{ cpuUs: number }>(child, "cpu");
      out.push({ rate, serverUs: (after.cpuUs - before.cpuUs) / run.sent });
    }
    return out;
  } finally {
    client?.close();
    if (child.exitCode === null && child.signalCode === null) child.send({ cmd: "stop" });
    await exited;
  }
}
