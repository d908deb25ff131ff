import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** Jobs waiting (incl. prioritized and active) on some of a prefix's queues: the producer's back-pressure signal. */
export function queueBacklog(redis: Redis, prefix: string, queues: string[]) {
  const handles = queues.map((q) => new Queue(`{${q}}`, { connection: redis, prefix }));
  return {
    async waiting(): Promise<number> {
      const counts = await Promise.all(
        handles.map((q) => q.getJobCounts("waiting", "prioritized", "active")),
      );
      return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    },
    async close() {
      await Promise.all(handles.map((q) => q.close()));
    },
  };
}
