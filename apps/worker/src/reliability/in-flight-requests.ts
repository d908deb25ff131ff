import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";

/**
 * How long a job's notes outlive their last write: far past the stalled-job
 * check (`JOB_LOCK_MS`), a channel paused by a 429 (5 minutes at most) and a
 * backlog the job may queue behind once taken back. A day is also how long
 * Resend keeps an idempotency key: a retry later than that is a new send
 * whoever gets it, so a note kept longer would protect nothing.
 */
export const IN_FLIGHT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One job's notes: a hash, field = notification id, value = the provider
 * (and, after a space, the batch request's key). Hash-tagged on the job id
 * alone: every command touches that one key, and jobs spread over a Redis
 * Cluster's slots.
 */
export function inFlightKey(prefix: string, jobId: string): string {
  return `${prefix}:{in-flight:${jobId}}`;
}

// HSET and PEXPIRE as one command: a note without its expiry would outlive a crash forever.
const MARK = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

type MarkingRedis = RedisClient & {
  heraldMarkInFlight(key: string, ttlMs: number, ...fieldsAndValues: string[]): Promise<number>;
};

/** The provider a request was in flight to, and the key of the batch request it went in (null: its own). */
export interface InFlightPin {
  provider: string;
  batchKey: string | null;
}

/**
 * Where one run of a job notes each provider request before it leaves, so
 * that the run taking the job over after a crash knows which provider may
 * have its messages. The run's own notes are remembered in the process: a
 * `clear` sends nothing when nothing of it is noted.
 */
export interface InFlightLog {
  /**
   * Notes a request to `provider` with these notifications (in one batch
   * request if `batchKey`), replacing what was noted for them; resolves once
   * Redis has it. One Redis command. If Redis refuses it, the request goes
   * ahead unnoted (a warning is logged).
   */
  mark(ids: readonly string[], provider: string, batchKey?: string): Promise<void>;
  /**
   * Forgets this run's notes of `ids` (default: all of them): the provider
   * said it does not have them, or their outcome is recorded. One Redis
   * command, none when nothing of them is noted.
   */
  clear(ids?: readonly string[]): Promise<void>;
}

export interface InFlightRequestsOptions {
  /** How long notes live after their last write. Default {@link IN_FLIGHT_TTL_MS}. */
  ttlMs?: number;
  /** Warned when a note cannot be written or removed. Default: none. */
  logger?: Pick<Logger, "warn">;
}

export interface InFlightRequests {
  /** The log of one run of job `jobId`. */
  log(jobId: string): InFlightLog;
  /** What runs of `jobId` left noted (one HGETALL): the requests a run cut off had in flight. */
  read(jobId: string): Promise<Map<string, InFlightPin>>;
  /** Removes those notes of `jobId` once they are recorded elsewhere (one HDEL). */
  forget(jobId: string, ids: readonly string[]): Promise<void>;
}

const encode = (provider: string, batchKey?: string) => (batchKey ? `${provider} ${batchKey}` : provider);

function decode(value: string): InFlightPin {
  const space = value.indexOf(" ");
  return space < 0
    ? { provider: value, batchKey: null }
    : { provider: value.slice(0, space), batchKey: value.slice(space + 1) };
}

/**
 * Notes of provider requests in flight, per BullMQ job, in Redis under the
 * worker's `QUEUE_PREFIX` (see {@link inFlightKey}). A note is written
 * before a request leaves and removed once the provider said it does not
 * have the message or the job recorded the outcome; only a run that died in
 * between leaves one, for the run that takes its job over (`read`).
 */
export function inFlightRequests(
  redis: RedisClient,
  prefix: string,
  options: InFlightRequestsOptions = {},
): InFlightRequests {
  const r = redis as MarkingRedis;
  const ttlMs = options.ttlMs ?? IN_FLIGHT_TTL_MS;
  const warn = (jobId: string, what: string, err: unknown) =>
    options.logger?.warn({ jobId, err: (err as Error).message }, what);
  return {
    log(jobId) {
      const key = inFlightKey(prefix, jobId);
      const noted = new Set<string>();
      return {
        async mark(ids, provider, batchKey) {
          if (ids.length === 0) return;
          if (typeof r.heraldMarkInFlight !== "function") {
            r.defineCommand("heraldMarkInFlight", { numberOfKeys: 1, lua: MARK });
          }
          const value = encode(provider, batchKey);
          try {
            await r.heraldMarkInFlight(key, ttlMs, ...ids.flatMap((id) => [id, value]));
            for (const id of ids) noted.add(id);
          } catch (err) {
            warn(jobId, "provider request not noted in Redis: a crash during it may fail over", err);
          }
        },
        async clear(ids) {
          const gone = ids ? ids.filter((id) => noted.has(id)) : [...noted];
          if (gone.length === 0) return;
          for (const id of gone) noted.delete(id);
          try {
            await r.hdel(key, ...gone);
          } catch (err) {
            warn(jobId, "provider request notes not removed (they expire)", err);
          }
        },
      };
    },
    async read(jobId) {
      const raw = await r.hgetall(inFlightKey(prefix, jobId));
      return new Map(Object.entries(raw).map(([id, value]) => [id, decode(value)]));
    },
    async forget(jobId, ids) {
      if (ids.length > 0) await r.hdel(inFlightKey(prefix, jobId), ...ids);
    },
  };
}
