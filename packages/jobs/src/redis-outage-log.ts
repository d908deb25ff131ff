import type { EventEmitter } from "node:events";

/** The two levels an outage is logged at (pino's `Logger` fits). */
export interface OutageLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RedisOutageLogOptions {
  /** How often an outage that goes on is logged again, in ms. Default 60000. */
  repeatMs?: number;
  /**
   * How long after Redis answers again a job's lost lock is put down to the
   * outage, in ms. Default 60000 (twice the default `JOB_LOCK_MS`).
   */
  lockGraceMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

export interface RedisOutageLog {
  /**
   * An error from one of the process's Redis connections. Returns false when
   * it is not about reaching Redis (a script error, a bad reply…): the caller
   * logs those as before.
   */
  report(err: Error, source?: string): boolean;
  /** A connection is ready again: ends the outage. */
  recovered(): void;
  /** Reports `client`'s errors and takes its `ready` as recovery. Other errors go to `other`. */
  watch(client: EventEmitter, source: string, other?: (err: Error) => void): void;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

// ioredis' own wording when a socket is gone, and a Cluster with no node to ask.
const NETWORK_MESSAGES =
  /Connection is closed|connect ETIMEDOUT|None of startup nodes is available|Failed to refresh slots cache/;

/** Whether `err` says that Redis could not be reached (as opposed to a failed command). */
export function isRedisConnectionError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && NETWORK_CODES.has(code)) || NETWORK_MESSAGES.test(err.message);
}

// BullMQ's words for a job in hand whose lock it could not renew, or found gone when finishing it.
const LOCK_LOST = /(?:could not renew lock for job|Missing lock for job) ([^\s]+?)\.?(?:\s|$)/;

/**
 * One per process. Every connection (the client, each BullMQ worker's
 * blocking duplicate, a subscriber) reports each failed reconnect attempt:
 * fifteen lines every few seconds in a worker. An outage is one line when it
 * starts, one a minute while it lasts, and one when Redis answers again.
 * A job that was in hand meanwhile lost its lock (BullMQ then reports
 * failing to renew it and to finish the job): one line per job says so and
 * that it runs again, instead of several "worker error" lines.
 */
export function createRedisOutageLog(
  logger: OutageLogger,
  options: RedisOutageLogOptions = {},
): RedisOutageLog {
  const repeatMs = options.repeatMs ?? 60_000;
  const now = options.now ?? Date.now;
  const lockGraceMs = options.lockGraceMs ?? 60_000;
  let since: number | null = null;
  let endedAt: number | null = null;
  let lastLogged = 0;
  let suppressed = 0;
  const lostLocks = new Set<string>();

  const lockLost = (jobId: string, source: string | undefined): boolean => {
    if (since === null && (endedAt === null || now() - endedAt > lockGraceMs)) return false;
    if (!lostLocks.has(jobId)) {
      lostLocks.add(jobId);
      logger.warn(
        { jobId, source },
        "a job in hand during the Redis outage lost its lock: it runs again once the stalled-job check takes it back",
      );
    }
    return true;
  };

  const log: RedisOutageLog = {
    report(err, source) {
      const lost = LOCK_LOST.exec(err.message);
      if (lost) return lockLost(lost[1]!, source);
      if (!isRedisConnectionError(err)) return false;
      const t = now();
      if (since === null) {
        since = t;
        lastLogged = t;
        suppressed = 0;
        lostLocks.clear();
        logger.error({ err: err.message, source }, "Redis is unreachable: retrying with backoff");
      } else if (t - lastLogged >= repeatMs) {
        // failedAttempts: reports since the last line, across all connections.
        logger.error(
          { err: err.message, downMs: t - since, failedAttempts: suppressed + 1 },
          "Redis is still unreachable",
        );
        lastLogged = t;
        suppressed = 0;
      } else {
        suppressed++;
      }
      return true;
    },
    recovered() {
      if (since === null) return;
      endedAt = now();
      logger.warn({ downMs: endedAt - since }, "Redis answers again");
      since = null;
    },
    watch(client, source, other) {
      client.on("error", (err: Error) => {
        if (!log.report(err, source)) other?.(err);
      });
      client.on("ready", () => log.recovered());
    },
  };
  return log;
}
