import { parseArgs } from "node:util";

export interface ChaosOptions {
  /** Events to accept (each becomes an e-mail and an SMS). */
  events: number;
  /** Events per second the load driver offers. */
  rate: number;
  /** Events per request (1 = `POST /v1/events`, more = `/v1/events/batch`). */
  batch: number;
  /** Worker processes. */
  workers: number;
  /** `kill -9` of a worker process during the load (at most 6). */
  kills: number;
  /** How long PostgreSQL stays stopped. */
  pgDownMs: number;
  /** How long Redis stays stopped during its restart. */
  redisDownMs: number;
  /** SIGKILL Redis instead of a clean SIGTERM (AOF everysec: up to 1 s of writes lost). */
  redisCrash: boolean;
  /** Seconds to wait for quiescence after the load before counting anyway. */
  settleTimeoutS: number;
  /** Keep the run directory (databases, AOF, logs). */
  keep: boolean;
  /** Skip the Redis restart and the PostgreSQL stop (a baseline run). */
  noOutages: boolean;
  /** Workers re-send after a crash without asking the provider (RECOVERY_LOOKUP=false). */
  noRecoveryLookup: boolean;
}

const HELP = `npm run chaos -- [options]
  --events N          events to accept (default 5000; each = 1 e-mail + 1 SMS)
  --rate N            events per second offered (default 30)
  --duration S        load duration in seconds (sets --rate = events / duration)
  --batch N           events per request; 1 posts to /v1/events (default 10, /v1/events/batch)
  --workers N         worker processes (default 2)
  --kills N           kill -9 of a worker during the load (default 4, max 6)
  --pg-down S         seconds PostgreSQL stays stopped (default 10)
  --redis-down S      seconds Redis stays stopped (default 2)
  --redis-crash       SIGKILL Redis instead of a clean restart
  --settle S          seconds to wait for quiescence (default 600)
  --no-outages        skip the Redis restart and PostgreSQL stop (baseline)
  --no-recovery-lookup  workers re-send after a crash without asking the provider
                      (what a provider without lookup or idempotency keys sees)
  --keep              keep .herald/chaos/<run> (data and logs)`;

export function parseChaosOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      workers: { type: "string" },
      batch: { type: "string" },
      kills: { type: "string" },
      "pg-down": { type: "string" },
      "redis-down": { type: "string" },
      "redis-crash": { type: "boolean" },
      settle: { type: "string" },
      keep: { type: "boolean" },
      "no-outages": { type: "boolean" },
      "no-recovery-lookup": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.info(HELP);
    process.exit(0);
  }
  const num = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0`);
    return n;
  };
  const events = Math.round(num(values.events, 5000, "events"));
  const rate = values.duration ? events / num(values.duration, 1, "duration") : num(values.rate, 30, "rate");
  return {
    events,
    rate,
    batch: Math.max(1, Math.min(1000, Math.round(num(values.batch, 10, "batch")))),
    workers: Math.round(num(values.workers, 2, "workers")),
    kills: Math.min(6, Math.round(num(values.kills, 4, "kills"))),
    pgDownMs: num(values["pg-down"], 10, "pg-down") * 1000,
    redisDownMs: num(values["redis-down"], 2, "redis-down") * 1000,
    redisCrash: values["redis-crash"] ?? false,
    settleTimeoutS: num(values.settle, 600, "settle"),
    keep: values.keep ?? false,
    noOutages: values["no-outages"] ?? false,
    noRecoveryLookup: values["no-recovery-lookup"] ?? false,
  };
}
