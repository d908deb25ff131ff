import type { Channel } from "@herald/domain";
import type { DeliveryError } from "@herald/errors";
import type { Queue } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { MAX_RETRY_AFTER_MS } from "../providers/delivery-errors.ts";

/**
 * The pause when a provider's 429 gives no usable `Retry-After`, and the
 * shortest one: `Retry-After` counts in whole seconds, so "0" means "within
 * the second", and a shorter pause would only buy another round of 429s.
 */
export const MIN_THROTTLE_PAUSE_MS = 1000;

/**
 * The limiter of a channel queue without `<CHANNEL>_RATE_LIMIT`: one it never
 * reaches (a billion jobs a second). BullMQ honours a queue's pause
 * (`Queue.rateLimit`) only in workers that have a limiter: its fetch script
 * compares the limiter key with the limiter's `max`, and without one skips
 * the check (`getRateLimitTTL.lua`). The cost is the counter: an INCR, a GET
 * and an HEXISTS inside the script that already fetches each job.
 */
export const PAUSABLE_LIMITER = { max: 1_000_000_000, duration: 1000 } as const;

/** What BullMQ's `rateLimit` stores in the limiter key: above any `max`, so every worker of the queue stops. */
const PAUSED = Number.MAX_SAFE_INTEGER;

/** How long `queue` stays paused by `pauseChannel` (ms; 0 when it is not), leaving its `<CHANNEL>_RATE_LIMIT` window aside. */
export function pausedFor(queue: Queue): Promise<number> {
  return queue.getRateLimitTtl(PAUSED).then((ms) => Math.max(0, ms));
}

/** How long a channel pauses for this throttled send: the provider's `Retry-After`, within 1 s and 5 min. */
export function throttlePauseMs(error: DeliveryError): number {
  return Math.min(Math.max(error.retryAfterMs ?? 0, MIN_THROTTLE_PAUSE_MS), MAX_RETRY_AFTER_MS);
}

/**
 * Thrown by a send job once its provider's 429 paused the channel. The
 * processor moves the job to delayed until the pause ends, its attempt not
 * used (`job.moveToDelayed`): BullMQ's own `RateLimitError` would put it back
 * to waiting, where a prioritized job gets no marker and idle workers, blocked
 * on the marker, would leave it there for up to `drainDelay` (5 s) past the
 * pause. A delayed job's marker wakes them when it is due.
 */
export class ChannelPausedError extends Error {
  constructor(
    /** How long the channel is paused from now, in ms. */
    readonly pauseMs: number,
    options: { cause: DeliveryError },
  ) {
    super(`${options.cause.provider}: rate limited, channel paused for ${pauseMs} ms`, options);
    this.name = "ChannelPausedError";
  }
}

/**
 * Pauses `channel` in every worker process: both of its lanes (one provider
 * account serves them, and a process serving one lane pauses the other
 * through its queue), for as long as the provider asked, through BullMQ's
 * limiter key (`Queue.rateLimit`), so no worker fetches a job meanwhile. A
 * longer pause already set (another send's 429) is kept. Returns the error
 * the job then throws.
 */
export async function pauseChannel(
  deps: WorkerDeps,
  channel: Channel,
  error: DeliveryError,
): Promise<ChannelPausedError> {
  const asked = throttlePauseMs(error);
  let extended = false;
  const lefts = await Promise.all(
    deps.queues.lanes(channel).map(async (queue) => {
      const left = await pausedFor(queue);
      if (left >= asked) return left;
      await queue.rateLimit(asked);
      extended = true;
      return asked;
    }),
  );
  const pauseMs = Math.max(asked, ...lefts);
  if (extended) {
    deps.logger.warn(
      { channel, provider: error.provider, code: error.code, pauseMs: asked },
      "provider rate limit: channel paused",
    );
  }
  return new ChannelPausedError(pauseMs, { cause: error });
}
