import type { Redis } from "ioredis";

export interface RedisSafetyReport {
  maxmemoryPolicy: string | null;
  appendonly: string | null;
  problems: string[];
}

/**
 * BullMQ loses jobs if Redis evicts keys, and a restart without AOF loses
 * whatever was not snapshotted. Managed Redis often forbids CONFIG GET; then
 * we say so rather than guess.
 */
export async function checkRedisSafety(redis: Redis): Promise<RedisSafetyReport> {
  const report: RedisSafetyReport = { maxmemoryPolicy: null, appendonly: null, problems: [] };
  try {
    const policy = (await redis.config("GET", "maxmemory-policy")) as string[];
    const aof = (await redis.config("GET", "appendonly")) as string[];
    report.maxmemoryPolicy = policy[1] ?? null;
    report.appendonly = aof[1] ?? null;
  } catch (err) {
    report.problems.push(
      `could not read Redis config (${(err as Error).message}); make sure maxmemory-policy is noeviction`,
    );
    return report;
  }
  if (report.maxmemoryPolicy !== "noeviction") {
    report.problems.push(
      `Redis maxmemory-policy is "${report.maxmemoryPolicy}": queued notifications can be evicted and lost. Set it to noeviction.`,
    );
  }
  if (report.appendonly !== "yes") {
    report.problems.push(
      "Redis AOF is off: a Redis restart can lose recently queued jobs. Enable appendonly yes.",
    );
  }
  return report;
}
