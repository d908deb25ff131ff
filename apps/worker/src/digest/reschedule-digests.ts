import {
  type DigestRow,
  digestItemCategories,
  getPreferences,
  getRecipientById,
  listOpenDigests,
  moveDigestWindow,
  type RecipientRow,
  settleDigests,
} from "@herald/db";
import type { WorkerDeps } from "../deps.ts";
import { digestFlushAt, digestPeriodFor, windowPeriod } from "../router/digest-window.ts";
import { recipientZone } from "../router/plan-channels.ts";
import { enqueueDigestFlush } from "./digest-jobs.ts";

/**
 * Moves a recipient's open digest windows to the time their preferences give
 * now (asked by the API after a change of digest time, time zone or digest
 * mode, and by the reconciler when that job was lost). Without it a window
 * kept the time it was opened with while new items went to a window at the
 * new time: the user got two digests, one at a time they no longer have. A
 * window none of whose categories is digested any more keeps its time.
 * Then clears the recipient's mark (`digestsUnsettledSince`), unless a
 * change since marked it again. Returns how many windows moved or merged.
 */
export async function rescheduleDigests(deps: WorkerDeps, recipientId: string): Promise<{ moved: number }> {
  // Read first: the mark is written with (or after) the change it stands for.
  const recipient = await getRecipientById(deps.db, recipientId);
  const moved = recipient && !recipient.erasedAt ? await moveOpenWindows(deps, recipient) : 0;
  if (recipient?.digestsUnsettledSince)
    await settleDigests(deps.db, recipientId, recipient.digestsUnsettledSince);
  return { moved };
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
    const categories = await digestItemCategories(deps.db, digest);
    if (categories.every((c) => digestPeriodFor(prefs, c) === null)) continue;
    const period = windowPeriod(prefs, categories);
    const result = await moveDigestWindow(deps.db, digest.id, digestFlushAt(period, prefs, zone, now));
    if (result.kind === "moved") await followFlushAt(deps, result.digest);
    if (result.kind !== "unchanged") moved++;
  }
  return moved;
}

/** The window's flush job (id = digest id), delayed to its new time. */
async function followFlushAt(deps: WorkerDeps, digest: DigestRow): Promise<void> {
  const job = await deps.queues.get("digest").getJob(digest.id);
  if (!job) return enqueueDigestFlush(deps, [digest]);
  if ((await job.getState()) === "delayed") {
    await job.changeDelay(Math.max(0, digest.flushAt.getTime() - deps.now().getTime()));
  }
}
