import {
  getNotification,
  listNotifications,
  type NotificationFilter,
  type NotificationRow,
  transition,
} from "@herald/db";
import { isFailedForGood, PRIORITY_RANK } from "@herald/domain";
import { ensureJobRuns, MAX_SEND_ATTEMPTS } from "@herald/jobs";
import type { ApiDeps } from "../deps.ts";
import { followFrequencySlots, giveBackFrequencySlots } from "./frequency-slots.ts";

/**
 * Where an operator's retry or discard applies: DEAD (retries exhausted), or
 * FAILED for good (the provider refused the address, the device was gone),
 * which an operator retries once the address or device is fixed. An erased
 * recipient's are canceled by the erase; callers also refuse those an
 * interrupted erase left (`skipErased`).
 */
export function isDeadEnd(n: NotificationRow): boolean {
  return n.status === "DEAD" || isFailedForGood(n);
}

/**
 * Puts a dead notification's send job back to work: the failed job (kept for
 * Bull Board) is re-run with fresh attempts, or re-added when it is gone.
 * The job comes first: if Redis refuses, nothing changed and the caller gets
 * a 503. The worker sends a DEAD notification whose job runs again, so the
 * row is moved to QUEUED after, and only if nothing overtook it. Returns
 * false when it was canceled meanwhile (an erase, a discard): the job then
 * finds nothing to send.
 */
export async function retryDeadLetter(deps: ApiDeps, n: NotificationRow): Promise<boolean> {
  const priority = PRIORITY_RANK[n.priority];
  const { queue, state } = await deps.queues.locate(n.channel, n.id, priority);
  // A job already waiting or running again (e.g. retried in Bull Board) is left as it is.
  await ensureJobRuns(
    queue,
    n.id,
    () =>
      deps.queues.add(
        n.channel,
        "send",
        { notificationId: n.id },
        { jobId: n.id, priority, attempts: MAX_SEND_ATTEMPTS, backoff: { type: "schedule" } },
      ),
    state,
  );
  return markRetried(deps, n.id, "api", n);
}

/**
 * Records an operator's retry of a dead notification whose job is back at
 * work: DEAD (or FAILED for good) → QUEUED, with who did it in the timeline,
 * and moves its frequency-cap slot to now, when it goes out (`row`: the
 * notification as the caller read it, else read here). False when it was
 * canceled meanwhile; a worker that overtook the retry (already sending or
 * sent) counts as retried.
 */
export async function markRetried(
  deps: ApiDeps,
  id: string,
  by: "api" | "bull-board",
  row?: NotificationRow,
): Promise<boolean> {
  const queuedAt = new Date();
  const moved = await transition(deps.db, id, "QUEUED", {
    from: ["DEAD", "FAILED"],
    set: { queuedAt, reason: null },
    detail: { action: "retry", by },
  });
  if (!moved) return (await getNotification(deps.db, id))?.status !== "CANCELED";
  const slot = row ?? (await getNotification(deps.db, id));
  if (slot) await followFrequencySlots(deps, [{ slot, dueAt: queuedAt }]);
  return true;
}

/**
 * Takes a dead notification out of the dead-letter list for good (CANCELED,
 * reason `discarded`) and gives back its frequency-cap slot: it never went
 * out, so it must not count, as a canceled one does not.
 */
export async function discardDeadLetter(deps: ApiDeps, n: NotificationRow): Promise<boolean> {
  const moved = await transition(deps.db, n.id, "CANCELED", {
    from: ["DEAD", "FAILED"],
    set: { reason: "discarded" },
    detail: { action: "discard", by: "api" },
  });
  if (!moved) return false;
  await giveBackFrequencySlots(deps, [n]);
  // Tidies Bull Board's failed list (a critical one's job failed in its critical lane); the
  // worker would skip a canceled row anyway.
  await deps.queues.removeEverywhere(n.channel, n.id);
  return true;
}

export interface RetryAllResult {
  retried: number;
  /** The notifications queued again, newest first: what a caller follows until they settle. */
  ids: string[];
  /** True when `limit` stopped the run and more dead notifications match. */
  more: boolean;
}

/**
 * Retries up to `limit` dead notifications matching `filter`, newest first,
 * 50 at a time; an erased recipient's are skipped, and those canceled
 * meanwhile are not counted.
 */
export async function retryAllDeadLetters(
  deps: ApiDeps,
  filter: Omit<NotificationFilter, "status" | "beforeId" | "skipErased">,
  limit: number,
): Promise<RetryAllResult> {
  const ids: string[] = [];
  let seen = 0;
  let beforeId: string | undefined;
  const dead = () => ({ ...filter, status: "DEAD", skipErased: true, ...(beforeId ? { beforeId } : {}) });
  while (seen < limit) {
    const page = await listNotifications(deps.db, dead(), Math.min(50, limit - seen));
    if (page.length === 0) return { retried: ids.length, ids, more: false };
    const done = await Promise.all(page.map((n) => retryDeadLetter(deps, n)));
    ids.push(...page.filter((_, i) => done[i]).map((n) => n.id));
    seen += page.length;
    beforeId = page[page.length - 1]!.id;
  }
  const next = await listNotifications(deps.db, dead(), 1);
  return { retried: ids.length, ids, more: next.length > 0 };
}
