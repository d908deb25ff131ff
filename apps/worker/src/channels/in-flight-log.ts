import { recordAmbiguousProviders } from "@herald/db";
import type { Channel } from "@herald/domain";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { type InFlightLog, inFlightRequests } from "../reliability/in-flight-requests.ts";
import type { CutOff } from "../reliability/put-back-mark.ts";

const FOUND: Record<CutOff, string> = {
  "taken-over":
    "job taken over from a worker that died mid-send: its notifications stay with the provider that may have them",
  "put-back":
    "job run again after a PostgreSQL outage cut its last run short: its notifications stay with the provider that may have them",
};

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
  const requests = inFlightRequests(deps.redis, deps.env.queuePrefix, { logger: deps.logger });
  if (cutOff) {
    const left = await requests.read(job.id);
    if (left.size > 0) {
      const records = [...left].map(([id, pin]) => ({ id, ...pin }));
      const pinned = await recordAmbiguousProviders(deps.db, records);
      deps.logger.warn(
        {
          jobId: job.id,
          channel,
          notificationIds: [...left.keys()].slice(0, 20),
          notes: left.size,
          pinned: pinned.size,
          providers: [...new Set(records.map((r) => r.provider))],
        },
        FOUND[cutOff],
      );
      await requests.forget(job.id, [...left.keys()]);
    }
  }
  return requests.log(job.id);
}
