import { type CanceledNotification, cancelEvent, type EventRow } from "@herald/db";
import type { ApiDeps } from "../deps.ts";
import { giveBackFrequencySlots } from "./frequency-slots.ts";

/**
 * Send jobs removed per cancel at most. A scheduled topic event has one
 * delayed job per notification; past this many they stay in Redis until
 * their time and then find their row CANCELED (the worker skips it), rather
 * than holding the request for a round trip each.
 */
export const REMOVE_JOBS_UP_TO = 1000;
const REMOVE_CONCURRENCY = 100;

/**
 * Cancels an event and its notifications not sent yet (`cancelEvent`), gives
 * back the frequency-cap slots they held, then removes their send jobs where
 * that is cheap. Returns the event, or null when unknown.
 */
export async function cancelEventAndJobs(deps: ApiDeps, eventId: string): Promise<EventRow | null> {
  const result = await cancelEvent(deps.db, eventId, { by: "api", from: "event" });
  if (!result) return null;
  await giveBackFrequencySlots(
    deps,
    result.canceled.map((n) => ({ ...n, eventId })),
  );
  await removeOwnSendJobs(deps.queues, result.canceled);
  return result.event;
}

/**
 * The worker skips canceled rows anyway; removing the jobs frees the queues.
 * Only jobs of a row's own (job id = notification id): a `send_batch` job
 * also carries rows of other events, and skips the canceled ones. Looked
 * for in every lane of the channel, as a critical row's job is in its own.
 */
async function removeOwnSendJobs(queues: ApiDeps["queues"], canceled: CanceledNotification[]): Promise<void> {
  const own = canceled.filter((n) => n.sendJob === null || n.sendJob === n.id).slice(0, REMOVE_JOBS_UP_TO);
  for (let i = 0; i < own.length; i += REMOVE_CONCURRENCY) {
    await Promise.all(
      own
        .slice(i, i + REMOVE_CONCURRENCY)
        // An active job is locked and refuses: its send goes on and then finds the row CANCELED.
        .map((n) => queues.removeEverywhere(n.channel, n.id)),
    );
  }
}
