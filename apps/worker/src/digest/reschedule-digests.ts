import {
  type DigestRow,
  type DigestWindowContents,
  getPreferences,
  getRecipientById,
  listOpenDigests,
  moveDigestWindow,
  type Preferences,
  type RecipientRow,
  settleDigests,
} from "@herald/db";
import { moveQuietHolds } from "../channels/quiet-holds.ts";
import type { WorkerDeps } from "../deps.ts";
import { digestFlushAt, digestPeriodFor, windowPeriod } from "../router/digest-window.ts";
import { recipientZone } from "../router/plan-channels.ts";
import { enqueueDigestFlush } from "./digest-jobs.ts";

/**
 * Moves what a recipient's preferences hold back to the time they give now
 * (asked by the API after a change of digest time, digest mode, quiet hours
 * or time zone, and by the reconciler when that job was lost):
 * - their open digest windows: without it a window kept the time it was
 *   opened with while new items went to a window at the new time, and the
 *   user got two digests, one at a time they no longer have (see
 *   {@link windowTime} for where a window goes);
 * - their notifications held for quiet hours (`moveQuietHolds`): without it
 *   one held until 08:00 still waited for 08:00 after the quiet hours were
 *   removed, or went out at 08:00 inside quiet hours extended to 09:00.
 * Then clears the recipient's mark (`digestsUnsettledSince`, which stands
 * for both), unless a change since marked it again. Returns how many windows
 * moved or merged (`moved`) and how many held notifications moved (`held`).
 */
export async function rescheduleDigests(
  deps: WorkerDeps,
  recipientId: string,
): Promise<{ moved: number; held: number }> {
  // Read first: the mark is written with (or after) the change it stands for.
  const recipient = await getRecipientById(deps.db, recipientId);
  const live = recipient && !recipient.erasedAt ? recipient : null;
  const moved = live ? await moveOpenWindows(deps, live) : 0;
  const held = live ? await moveQuietHolds(deps, live) : 0;
  if (recipient?.digestsUnsettledSince)
    await settleDigests(deps.db, recipientId, recipient.digestsUnsettledSince);
  return { moved, held };
}

async function moveOpenWindows(deps: WorkerDeps, recipient: RecipientRow): Promise<number> {
  const open = await listOpenDigests(deps.db, recipient.id);
  const now = deps.now();
  const pending = open.filter((d) => d.flushAt > now);
  if (pending.length === 0) return 0;
  const prefs = await getPreferences(deps.db, recipient.id);
  const zone = recipientZone(recipient, prefs);
  let moved = 0;
  for (const digest of pending) {
    const result = await moveDigestWindow(deps.db, digest.id, (contents) =>
      windowTime(prefs, zone, contents, now),
    );
    if (result.kind === "moved") await followFlushAt(deps, result.digest);
    if (result.kind !== "unchanged") moved++;
  }
  return moved;
}

/**
 * Where an open window goes under the user's preferences now: the digest
 * time that closes the window its earliest item falls in, as the router
 * would file that item today. From the item's due time (its sendAt), not
 * from now: a change on Tuesday must not pull an item sent for Friday into
 * Wednesday's digest. A window whose categories are all `instant` again goes
 * out when its earliest item is due (now, for most), rather than at a digest
 * time the user no longer has. Items due later than the earliest share its
 * window, as they did before the move.
 */
export function windowTime(
  prefs: Preferences,
  zone: string,
  contents: DigestWindowContents,
  now: Date,
): Date {
  const due = new Date(Math.max(contents.earliestDue.getTime(), now.getTime()));
  if (contents.categories.every((c) => digestPeriodFor(prefs, c) === null)) return due;
  return digestFlushAt(windowPeriod(prefs, contents.categories), prefs, zone, due);
}

/** The window's flush job (id = digest id), delayed to its new time. */
async function followFlushAt(deps: WorkerDeps, digest: DigestRow): Promise<void> {
  const job = await deps.queues.get("digest").getJob(digest.id);
  if (!job) return enqueueDigestFlush(deps, [digest]);
  if ((await job.getState()) === "delayed") {
    await job.changeDelay(Math.max(0, digest.flushAt.getTime() - deps.now().getTime()));
  }
}
