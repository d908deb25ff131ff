import type { Batcher, RunOptions } from "@herald/batching";
import { loadSendContexts, type SendContextRow } from "@herald/db";
import type { Channel } from "@herald/domain";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { cutOffBefore } from "../reliability/put-back-mark.ts";
import { deliver, type RecordOptions, type SendOutcome } from "./deliver.ts";
import { inFlightLogOf } from "./in-flight-log.ts";
import { pauseChannel } from "./provider-throttle.ts";
import { holdAgainIfQuiet, inQuietHoursAtRelease } from "./quiet-holds.ts";

export interface SendOptions extends RecordOptions {
  /**
   * Loads a notification with its recipient, grouping concurrent jobs' loads
   * into one query. Default: a query of its own on `deps.db` per job.
   */
  contexts?: Batcher<string, SendContextRow | null>;
  /** `urgent` (a critical job): its grouped load takes the batcher's urgent lane. Default normal. */
  lane?: RunOptions;
  /**
   * The worker's lock token for the job: with it, a release that finds the
   * user inside quiet hours holds the notification again (the job moved back
   * to delayed). Without it (no worker), the release sends.
   */
  token?: string;
}

async function loadContext(
  deps: WorkerDeps,
  id: string,
  options: SendOptions,
): Promise<SendContextRow | null> {
  if (options.contexts) return options.contexts.run(id, options.lane);
  return (await loadSendContexts(deps.db, [id])).get(id) ?? null;
}

/**
 * One `send` job's attempt. Its failures throw what tells BullMQ whether (and
 * how) to go on: `UnrecoverableError` for a permanent one, the delivery error
 * (retried on the channel's schedule) for a transient one, and
 * `ChannelPausedError` once a provider's 429 paused the channel (the job
 * waits for the pause, its attempt not used). PostgreSQL being
 * unreachable is rethrown untouched, and the caller puts the job back without
 * counting an attempt. A failure that comes after the row was recorded SENT
 * (or canceled…) by someone else throws nothing: the job completes, SKIPPED.
 * A release of a notification held for quiet hours that finds the user
 * inside them (changed since) holds it again until they end
 * (`holdAgainIfQuiet`; BullMQ's `DelayedError`, no attempt used).
 */
export async function sendNotification(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const { notificationId, priorAttempts = 0 } = job.data as {
    notificationId: string;
    priorAttempts?: number;
  };
  const interrupted = job.stalledCounter > 0;
  // Before the load: a provider the cut-off (or put-back) run may have left it with is on the row when loaded.
  const inFlight = await inFlightLogOf(deps, channel, job, cutOffBefore(job));
  let loaded = await loadContext(deps, notificationId, options);
  if (!loaded) throw new UnrecoverableError(`notification ${notificationId} not found`);
  if (options.token && inQuietHoursAtRelease(deps, loaded, deps.now())) {
    const held = await holdAgainIfQuiet(deps, job, options.token, notificationId);
    // Back in the delayed set until the quiet hours end, no attempt used.
    if (held?.kind === "move") throw new DelayedError();
    if (held?.kind === "suppress") return { status: "SUPPRESSED", reason: held.reason };
    // Their end came meanwhile, or it is no longer held: sent, or skipped, as it is now.
    loaded = (await loadSendContexts(deps.db, [notificationId])).get(notificationId) ?? loaded;
  }
  const outcome = await deliver(
    deps,
    channel,
    loaded,
    {
      attempt: priorAttempts + job.attemptsMade + 1,
      // The schedule of the worker running it, not the attempts its producer gave the job
      // (MAX_SEND_ATTEMPTS): only this process knows its channel's schedule.
      maxAttempts: deps.env.retrySchedule[channel].length,
      interrupted,
    },
    inFlight ? { ...options, inFlight } : options,
  );
  // Recorded (SENT, FAILED with the provider that may have it…): the note has done its work.
  await inFlight?.clear();
  if (outcome.status !== "FAILED") return outcome;
  const { failure } = outcome;
  // Recorded SENT (or canceled…) by someone else while this attempt failed: nothing left to retry.
  if (failure.kind === "superseded")
    return { status: "SKIPPED", current: failure.current, lateFailure: true };
  if (failure.kind === "erased") throw new UnrecoverableError("recipient erased");
  if (failure.kind === "throttled") throw await pauseChannel(deps, channel, failure.error);
  // Dead-lettered: the job must stop here, whatever attempts it was given.
  if (failure.kind === "dead") throw new UnrecoverableError(failure.error.message);
  if (failure.kind === "permanent") {
    const { provider, message } = failure.error;
    // Most providers' messages already start with their name ("resend: validation_error…").
    throw new UnrecoverableError(message.startsWith(`${provider}:`) ? message : `${provider}: ${message}`);
  }
  throw failure.error;
}
