import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { deleteKeys, REDIS_URL } from "./herald-system.ts";
import { readRss } from "./process-memory.ts";

export interface RawCeiling {
  /** Jobs/s one producer adds with `addBulk` (batches of 500), nothing consuming. */
  addPerSec: number;
  /** Jobs/s added and completed by `consumers` processes (no-op processor): the single-hop ceiling. */
  processedPerSec: number;
  consumers: number;
  concurrency: number;
  peakRssMb: Record<string, number>;
}

const BATCH = 500;

/** Sends `{cmd}` to a child over IPC and resolves with its next message. */
export function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as T));
    child.send({ cmd });
  });
}

/**
 * BullMQ alone on the same Redis: what the machine can do with no Herald
 * code at all. Phase 1 adds for `seconds / 3`; phase 2 starts `consumers`
 * processes and keeps adding (back-pressured at 20,000 waiting) while they
 * complete no-op jobs, measured after a one-second warm-up.
 */
export async function measureRawCeiling(
  seconds: number,
  consumers: number,
  concurrency = 64,
): Promise<RawCeiling> {
  const prefix = `benchraw${randomBytes(4).toString("hex")}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("{raw}", { connection: redis, prefix });
  const jobs = Array.from({ length: BATCH }, (_, i) => ({
    name: "noop",
    data: { notificationId: `ntf_raw_${i}` },
    opts: { removeOnComplete: { count: 10_000 } },
  }));
  const children: ChildProcess[] = [];
  try {
    let added = 0;
    const addPhaseMs = Math.max(2000, (seconds * 1000) / 3);
    const a0 = performance.now();
    while (performance.now() - a0 < addPhaseMs) {
      await Promise.all([queue.addBulk(jobs), queue.addBulk(jobs)]);
      added += 2 * BATCH;
    }
    const addPerSec = added / ((performance.now() - a0) / 1000);

    for (let i = 0; i < consumers; i++) {
      const child = fork(
        join(import.meta.dirname, "raw-consumer.ts"),
        [REDIS_URL, prefix, String(concurrency)],
        {
          execArgv: ["--import", "tsx"],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        },
      );
      children.push(child);
    }
    await Promise.all(children.map((c) => new Promise((r) => c.once("message", r))));
    const peak: Record<string, number> = {};
    let stop = false;
    const producer = (async () => {
      while (!stop) {
        const waiting = await queue.getWaitingCount();
        if (waiting > 20_000) await new Promise((r) => setTimeout(r, 5));
        else await queue.addBulk(jobs);
      }
    })();
    const total = async () =>
      (await Promise.all(children.map((c) => ask<{ completed: number }>(c, "count")))).reduce(
        (s, m) => s + m.completed,
        0,
      );
    await new Promise((r) => setTimeout(r, 1000));
    const c0 = await total();
    const t0 = performance.now();
    const measureMs = Math.max(2000, (seconds * 2000) / 3 - 1000);
    const sampler = setInterval(() => {
      children.forEach((c, i) => {
        const m = readRss(c.pid!);
        if (m) peak[`raw-consumer-${i + 1}`] = Math.max(peak[`raw-consumer-${i + 1}`] ?? 0, m.rssMb);
      });
    }, 500);
    await new Promise((r) => setTimeout(r, measureMs));
    const c1 = await total();
    const processedPerSec = (c1 - c0) / ((performance.now() - t0) / 1000);
    clearInterval(sampler);
    stop = true;
    await producer;
    return { addPerSec, processedPerSec, consumers, concurrency, peakRssMb: peak };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null) return r();
            c.once("exit", () => r());
            c.send({ cmd: "stop" });
          }),
      ),
    );
    await queue.close();
    await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
  }
}
