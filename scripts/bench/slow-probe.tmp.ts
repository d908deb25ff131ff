import { Queue } from "bullmq";
import { orderPlaced, seedUsers } from "./bench-users.ts";
import { startSystem } from "./herald-system.ts";
import { httpClient } from "./http-load.ts";
import { percentiles } from "./percentiles.ts";
import { startSlowProvider } from "./scenario-slow-provider.ts";

const p = await startSlowProvider();
const s = await startSystem({ name: "probe", workers: 2, workerEnv: { ...p.env, EMAIL_CONCURRENCY: "200" } });
const users = await seedUsers(s.db, 1000);
const c = httpClient(s.url, s.apiKey, 8);
for (let b = 0; b < 8; b++)
  await c.post("/v1/events/batch", {
    events: Array.from({ length: 250 }, (_, i) => orderPlaced(users[i]!, b * 250 + i, ["email"])),
  });
await new Promise((r) => setTimeout(r, 15000));
const q = new Queue("{email}", { connection: s.redis, prefix: s.prefix });
const jobs = await q.getJobs(["completed"], 0, -1);
console.log("completed", jobs.length);
console.log("run ms", percentiles(jobs.map((j) => j.finishedOn! - j.processedOn!)));
console.log("wait ms", percentiles(jobs.map((j) => j.processedOn! - j.timestamp)));
const t0 = Math.min(...jobs.map((j) => j.processedOn!));
const hist = new Map<number, number>();
for (const j of jobs) {
  const k = Math.floor((j.finishedOn! - t0) / 1000);
  hist.set(k, (hist.get(k) ?? 0) + 1);
}
console.log(
  [...hist]
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => `${k}s:${v}`)
    .join(" "),
);
await q.close();
c.close();
await s.stop();
await p.stop();
process.exit(0);
