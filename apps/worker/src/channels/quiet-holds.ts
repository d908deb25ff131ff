import {
  listQuietHolds,
  type NotificationRow,
  type QuietHold,
  type QuietHoldOutcome,
  type RecipientRow,
  type SendContextRow,
  settleQuietHold,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { releaseFrequencySlots } from "@herald/jobs";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { sendOptions } from "../router/enqueue-sends.ts";
import { moveFrequencySlot } from "../router/frequency-cap.ts";
import { quietHoursEnd, quietRelease, quietZone } from "../router/quiet-hours.ts";
import { withEscalationFloor } from "./read-elsewhere.ts";

/**
 * Moves a recipient's notifications held for quiet hours to the release
 * time their preferences and time zone give now (`quietRelease`): at once
 * what is no longer inside quiet hours, the rest to the new end. Run by the
 * `reschedule` job the API adds after a change of quiet hours or time zone
 * (and the reconciler, when that job was lost). Returns how many moved or
 * were suppressed.
 *
 * Each under its row's lock (`settleQuietHold`): the frequency-cap slot
 * first (counted again at the new time), then the send job, then the row. A
 * release job firing at that moment either finds the user out of quiet hours
 * by the preferences committed before this ran, and sends (its SENT waits
 * for the lock), or finds them in quiet hours and waits for the lock
 * (`holdAgainIfQuiet`), then decides on what this committed. A job already
 * waiting or running is left to its send; a job that is gone is added again
 * at the new time, under the row's id, so nothing goes out twice.
 */
export async function moveQuietHolds(deps: WorkerDeps, recipient: RecipientRow): Promise<number> {
  let moved = 0;
  for (const { id, channel } of await listQuietHolds(deps.db, recipient)) {
    const now = deps.now();
    const settled = await settleQuietHold(deps.db, id, (hold) => followPreferences(deps, hold, now), now);
    if (!settled || settled.outcome.kind === "keep") continue;
    moved++;
    if (settled.outcome.kind === "suppress") {
      await dropSlot(deps, settled.notification);
      // The worker skips a suppressed row anyway; this frees the queue.
      await deps.queues.removeEverywhere(channel, id);
    }
  }
  return moved;
}

/** A held notification suppressed after all never goes out: its slot (kept by the refused move) goes. */
async function dropSlot(deps: WorkerDeps, n: NotificationRow): Promise<void> {
  await releaseFrequencySlots(deps.redis, deps.env.queuePrefix, [n]);
}

/** When a hold goes out under the preferences as they are now, never before its escalation allows. */
const releaseTime = (deps: WorkerDeps, hold: QuietHold, now: Date): Date =>
  quietRelease(deps.env.policy.quietHoursChannels, withEscalationFloor(deps, hold), now);

/** The mover's decision for one hold. */
async function followPreferences(deps: WorkerDeps, hold: QuietHold, now: Date): Promise<QuietHoldOutcome> {
  const n = hold.notification;
  const to = releaseTime(deps, hold, now);
  const from = n.scheduledAt;
  if (from && from.getTime() === to.getTime()) return { kind: "keep" };
  const slot = await followSlot(deps, n, to, now);
  if (slot === "refused") {
    // Refused earlier, it keeps the time it had, where the cap counted it (should that time be
    // inside the new quiet hours, its release holds it again: holdAgainIfQuiet). Refused later,
    // the time it had is no longer allowed: the router would suppress it now.
    if (from && to.getTime() < from.getTime()) return { kind: "keep" };
    return { kind: "suppress", reason: "frequency_cap", detail: { stage: "quiet_hours_changed" } };
  }
  await followJob(deps, n, to, now);
  return { kind: "move", to, detail: { by: "preferences" } };
}

/** The notification's slot, counted again at `to`. */
function followSlot(deps: WorkerDeps, n: NotificationRow, to: Date, now: Date) {
  return moveFrequencySlot(deps.redis, deps.env.queuePrefix, deps.env.policy.frequencyCaps, {
    recipientId: n.recipientId,
    category: n.category,
    channel: n.channel,
    member: n.eventId,
    now,
    dueAt: to,
  });
}

/**
 * Its delayed send job, moved to `to` (promoted when that is now). Waiting
 * or running, it is its send's to decide; gone, it is added at `to`.
 */
async function followJob(deps: WorkerDeps, n: NotificationRow, to: Date, now: Date): Promise<void> {
  const { queue, state } = await deps.queues.locate(n.channel, n.id, PRIORITY_RANK[n.priority]);
  if (state === "unknown") {
    await deps.queues.add(
      n.channel,
      "send",
      { notificationId: n.id },
      sendOptions(deps, { ...n, status: "SCHEDULED", scheduledAt: to }, now.getTime()),
    );
    return;
  }
  if (state !== "delayed") return;
  const job = await queue.getJob(n.id);
  const delay = to.getTime() - now.getTime();
  try {
    if (delay > 0) await job?.changeDelay(delay);
    else await job?.promote();
  } catch {
    // It left the delayed set meanwhile: its send re-checks the quiet hours (holdAgainIfQuiet).
  }
}

/**
 * Whether a send job about to release a notification held for quiet hours
 * finds the user inside quiet hours by the preferences it loaded (they
 * changed since it was held, and the move that follows such a change has
 * not run, or was lost): it then checks again under the row's lock.
 */
export function inQuietHoursAtRelease(deps: WorkerDeps, loaded: SendContextRow, now: Date): boolean {
  const { notification: n, recipient, prefs } = loaded;
  if (n.status !== "SCHEDULED" || n.reason !== "quiet_hours" || !recipient) return false;
  if (!deps.env.policy.quietHoursChannels.includes(n.channel)) return false;
  return quietHoursEnd(prefs.quietHours, quietZone(recipient, prefs), now) !== null;
}

/**
 * A release that finds the user in quiet hours holds the notification again
 * until they end, as the router would: the send job moved to delayed (with
 * the worker's `token`, before the row's lock is released), its slot counted
 * at the new time (refused there: SUPPRESSED `frequency_cap`). Decided on the
 * preferences read under the lock, so a change committed meanwhile counts.
 * Null when it is no longer held (the caller loads it again and sends or
 * skips it).
 */
export async function holdAgainIfQuiet(
  deps: WorkerDeps,
  job: Job,
  token: string,
  id: string,
): Promise<QuietHoldOutcome | null> {
  const now = deps.now();
  const settled = await settleQuietHold(
    deps.db,
    id,
    async (hold) => {
      const to = releaseTime(deps, hold, now);
      if (to.getTime() <= now.getTime()) return { kind: "keep" };
      if ((await followSlot(deps, hold.notification, to, now)) === "refused")
        return { kind: "suppress", reason: "frequency_cap", detail: { stage: "quiet_hours_changed" } };
      // BullMQ's delays are wall-clock time; `now` may be a test's clock.
      await job.moveToDelayed(Date.now() + (to.getTime() - now.getTime()), token);
      return { kind: "move", to, detail: { by: "release" } };
    },
    now,
  );
  if (settled?.outcome.kind === "suppress") await dropSlot(deps, settled.notification);
  return settled?.outcome ?? null;
}
