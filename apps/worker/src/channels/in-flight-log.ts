import { recordAmbiguousProviders } from "@herald/db";
import type { Channel } from "@herald/domain";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { type InFlightLog, inFlightRequests } from "../reliability/in-flight-requests.ts";
import type { CutOff } from "../reliability/put-back-mark.ts";

/**
 * Why notes were left: a run cut off (`CutOff`), or a batch job BullMQ
 * failed after it stalled more than `maxStalledCount` times, whose rows the
 * reconciler gives jobs of their own (under other ids: nothing would read
 * the batch's notes again).
 */
export type LeftBy = CutOff | "stalled-out";

const FOUND: Record<LeftBy, string> = {
  "taken-over":
    "job taken over from a worker that died mid-send: its notifications stay with the provider that may have them",
  "put-back":
    "job run again after a PostgreSQL outage cut its last run short: its notifications stay with the provider that may have them",
  "stalled-out":
    "send batch failed after stalling too often: its notifications, given jobs of their own, stay with the provider that may have them",
};

/**
 * Records what runs of job `jobId` left noted in flight (of `only`, default
 * all) as an ambiguous answer is recorded (`ambiguous_provider`, the batch
 * request's key), then forgets those notes: the rows hold them. One HGETALL,
 * and nothing more when nothing is noted. Returns the ids found.
 */
export async function pinLeftInFlight(
  deps: WorkerDeps,
  channel: Channel,
  jobId: string,
  why: LeftBy,
  only?: ReadonlySet<string>,
): Promise<string[]> {
  const requests = inFlightRequests(deps.redis, deps.env.queuePrefix, { logger: deps.logger });
  const left = [...(await requests.read(jobId))].filter(([id]) => !only || only.has(id));
  if (left.length === 0) return [];
  const records = left.map(([id, pin]) => ({ id, ...pin }));
  const pinned = await recordAmbiguousProviders(deps.db, records);
  const ids = records.map((r) => r.id);
  deps.logger.warn(
    {
      jobId,
      channel,
      notificationIds: ids.slice(0, 20),
      notes: ids.length,
      pinned: pinned.size,
      providers: [...new Set(records.map((r) => r.provider))],
    },
    FOUND[why],
  );
  await requests.forget(jobId, ids);
  return ids;
}

/**
 * The log in which this run of a channel job notes its provider requests
 * (`ChannelSender.notesInFlight`), or undefined for a channel whose sender
 * notes none: no Redis command is added there, nor when `job` has no id.
 *
 * A run taking over a job whose worker died, or run again after a
 * PostgreSQL outage put the job back (`cutOff`, see `cutOffBefore`), first
 * reads what the runs before it left noted: a request a provider may have
 * taken (or did take: its answer's write never landed), whose outcome
 * never reached PostgreSQL. Each notification found is recorded as that
 * provider's, as an ambiguous answer is (`ambiguous_provider`, and the batch
 * request's key): loaded after this, the rows go to that provider alone with
 * the same key, in this run, on later attempts, after a restart and when an
 * operator retries the dead letter. Then the notes go: the rows hold them.
 * Such a run finding nothing (no request was left in flight, or the
 * answers proved no provider had the e-mail) sends as usual, failover included.
 */
export async function inFlightLogOf(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  cutOff: CutOff | null,
): Promise<InFlightLog | undefined> {
  if (!deps.senders[channel].notesInFlight || !job.id) return undefined;
  if (cutOff) await pinLeftInFlight(deps, channel, job.id, cutOff);
  return inFlightRequests(deps.redis, deps.env.queuePrefix, { logger: deps.logger }).log(job.id);
}
