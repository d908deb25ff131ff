/**
 * `npx tsx scripts/bench/api-ingest.ts`: the API process alone (no workers)
 * taking single POST /v1/events from 64 keep-alive clients as fast as it
 * answers; prints requests/s and the CPU used by the API, PostgreSQL and
 * Redis. `N=` sets the request count (default 5,000), `PROF=1` writes a CPU
 * profile under /tmp/api-ingest-profile.
 */
import { orderPlaced, seedUsers } from "./bench-users.ts";
import { startSystem } from "./herald-system.ts";
import { httpClient } from "./http-load.ts";

const CLIENTS = 64;
const system = await startSystem({
  name: "apiingest",
  workers: 0,
  ...(process.env.PROF ? { profileDir: "/tmp/api-ingest-profile" } : {}),
});
const users = await seedUsers(system.db, 5000);
const client = httpClient(system.url, system.apiKey, CLIENTS);
// Connections and JIT warm before the clock starts.
for (let i = 0; i < 200; i++) await client.post("/v1/events", orderPlaced(users[i]!, -i));
const cpu = await system.meterCpu();
const total = Number(process.env.N ?? 5000);
const statuses: Record<number, number> = {};
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (next < total) {
      const i = next++;
      const r = await client.post("/v1/events", orderPlaced(users[i % users.length]!, i));
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
console.info({ requestsPerSec: Math.round(total / seconds), statuses, cpuCores: await cpu.stop() });
client.close();
await system.stop();
