/**
 * One raw-ceiling consumer process: a BullMQ worker that completes no-op jobs
 * of `{raw}` as fast as Redis lets it. Started by raw-ceiling.ts (IPC
 * channel); answers `count` with how many jobs it has completed so far.
 */
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const [redisUrl, prefix, concurrency] = process.argv.slice(2);
const connection = new Redis(redisUrl!, { maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker("{raw}", async () => null, {
  connection,
  prefix: prefix!,
  concurrency: Number(concurrency),
});
worker.on("completed", () => {
  completed++;
});
worker.on("error", () => {});
await worker.waitUntilReady();
process.send!({ ready: true });
process.on("message", async (m: { cmd: string }) => {
  if (m.cmd === "count") process.send!({ completed });
  if (m.cmd === "stop") {
    await worker.close();
    connection.disconnect();
    process.exit(0);
  }
});
