import { startSystem } from "../bench/herald-system.ts";
import { orderPlaced, seedUsers } from "../bench/bench-users.ts";
import { httpClient } from "../bench/http-load.ts";
const system = await startSystem({ name: "apionly", workers: 0, ...(process.env.PROF ? { profileDir: "/tmp/apiprof" } : {}) });
const users = await seedUsers(system.db, 5000);
const client = httpClient(system.url, system.apiKey, 64);
for (let i = 0; i < 200; i++) await client.post("/v1/events", orderPlaced(users[i]!, -i));
const cpu = await system.meterCpu();
const t0 = performance.now();
let next = 0; const N = Number(process.env.N ?? 5000);
const statuses: Record<number, number> = {};
await Promise.all(Array.from({ length: 64 }, async () => {
  while (next < N) { const i = next++; const r = await client.post("/v1/events", orderPlaced(users[i % 5000]!, i)); statuses[r.status] = (statuses[r.status] ?? 0) + 1; }
}));
const s = (performance.now() - t0) / 1000;
console.log({ rps: N / s, statuses, cpu: await cpu.stop() });
client.close();
await system.stop();
