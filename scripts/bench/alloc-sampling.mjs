/**
 * Diagnosis preload: V8's sampling heap profiler in a worker process,
 * counting objects the garbage collector has already freed too (what a heap
 * snapshot or `--heap-prof` leave out, and what the scavenges are made of).
 *
 *   WORKER_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=32 --import ./scripts/bench/alloc-sampling.mjs" \
 *     npm run bench -- --scenarios slow --duration 30
 *   npx tsx scripts/bench/alloc-summary.ts .herald/bench/alloc/alloc-<pid>.heapprofile
 *
 * `ALLOC_SAMPLING_START_S` (default 18: after start-up and warm-up) and
 * `ALLOC_SAMPLING_FOR_S` (default 20) choose the window; the profile lands in
 * `.herald/bench/alloc/` under the working directory. `ALLOC_SAMPLING_LIVE=1`
 * leaves collected objects out instead: what is alive when sampling stops,
 * by allocation site (what a scavenge then has to copy, and old space).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const startS = Number(process.env.ALLOC_SAMPLING_START_S ?? 18);
const forS = Number(process.env.ALLOC_SAMPLING_FOR_S ?? 20);
const collected = process.env.ALLOC_SAMPLING_LIVE !== "1";
const session = new Session();
session.connect();
session.post("HeapProfiler.enable");
setTimeout(() => {
  session.post(
    "HeapProfiler.startSampling",
    {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: collected,
      includeObjectsCollectedByMinorGC: collected,
    },
    (err) => err && console.error("[alloc-sampling] start:", err.message),
  );
  setTimeout(() => {
    session.post("HeapProfiler.stopSampling", (err, result) => {
      if (err) return console.error("[alloc-sampling] stop:", err.message);
      const dir = join(process.cwd(), ".herald", "bench", "alloc");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `alloc-${process.pid}.heapprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      console.error(`[alloc-sampling] wrote ${file}`);
    });
  }, forS * 1000).unref();
}, startS * 1000).unref();
