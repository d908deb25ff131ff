import {
  type DigestRow,
  digestItemCategories,
  getPreferences,
  getRecipientById,
  listOpenDigests,
  moveDigestWindow,
} from "@herald/db";
import type { WorkerDeps } from "../deps.ts";
import { digestFlushAt, digestPeriodFor, windowPeriod } from "../router/digest-window.ts";
import { recipientZone } from "../router/plan-channels.ts";
import { enqueueDigestFlush } from "./digest-jobs.ts";

/**
 * Moves a recipient's open digest windows to the time their preferences give
 * now (the API asks after a change of digest time, time zone or digest
 * mode). Without it a window kept the time it was opened with while new items
 * went to a window at the new time: the user got two digests, one at a time
 * they no longer have. A window none of whose categories is digested any
 * more keeps its time. Returns how many windows moved or merged.
 */
export async function rescheduleDigests(deps: WorkerDeps, recipientId: string): Promise<{ moved: number }> {
  const open = await listOpenDigests(deps.db, recipientId);
  const now = deps.now();
  const pending = open.filter((d) => d.flushAt > now);
  if (pending.length === 0) return { moved: 0 };
  const recipient = await getRecipientById(deps.db, recipientId);
  if (!recipient || recipient.erasedAt) return { moved: 0 };
  const prefs = await getPreferences(deps.db, recipientId);
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
  return { moved };
}

/** The window's flush job (id = digest id), delayed to its new time. */
async function followFlushAt(deps: WorkerDeps, digest: DigestRow): Promise<void> {
  const job = await deps.queues.get("digest").getJob(digest.id);
  if (!job) return enqueueDigestFlush(deps, [digest]);
  if ((await job.getState()) === "delayed") {
    await job.changeDelay(Math.max(0, digest.flushAt.getTime() - deps.now().getTime()));
  }
}
