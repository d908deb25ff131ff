import { isFailedForGood, isTerminal, type NotificationStatus } from "@herald/domain";

type Row = { status: string; reason?: string | undefined; scheduledAt?: string | undefined };

/** Nothing more will happen to it by itself: no point asking again. */
export function isSettled(n: Row): boolean {
  return isTerminal(n.status as NotificationStatus) || isFailedForGood(n);
}

/**
 * Still on its way: created or queued, or FAILED and waiting for its next
 * attempt. A retry has played out once its notification is none of these
 * (sent, dead again, failed for good…).
 */
export function isOnItsWay(n: Row): boolean {
  return n.status === "PENDING" || n.status === "QUEUED" || (n.status === "FAILED" && !isFailedForGood(n));
}

// A scheduled send further off than this is looked at every SLOW_MS, not every second.
const SOON_MS = 2 * 60_000;
const SLOW_MS = 30_000;

/**
 * How often a page showing `n` asks for it again (ms), or false to stop:
 * every second while it moves, slowly while it waits far ahead or may still
 * get delivery receipts, never once it is settled or does not exist.
 */
export function refetchEvery(n: Row | undefined, notFound: boolean, now = Date.now()): number | false {
  if (notFound) return false;
  if (!n) return 1000;
  if (isSettled(n)) return false;
  if (n.status === "SCHEDULED" && n.scheduledAt && new Date(n.scheduledAt).getTime() - now > SOON_MS) {
    return SLOW_MS;
  }
  if (["PENDING", "QUEUED", "SCHEDULED", "FAILED"].includes(n.status)) return 1000;
  return 10_000; // SENT, DELIVERED, READ: receipts, bounces and complaints may still come
}
