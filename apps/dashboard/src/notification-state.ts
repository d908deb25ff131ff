import { isTerminal, type NotificationStatus } from "@herald/domain";

type Row = { status: string; reason?: string | undefined; scheduledAt?: string | undefined };

// What a worker writes on a FAILED row that will not be tried again; a FAILED
// row waiting for its next attempt has no reason.
const FINAL_FAILURE_REASONS = new Set(["permanent_error", "device_gone"]);

/** FAILED for good (the provider refused it), as opposed to FAILED and waiting for a retry. */
export function isFinalFailure(n: Row): boolean {
  return n.status === "FAILED" && n.reason !== undefined && FINAL_FAILURE_REASONS.has(n.reason);
}

/** Nothing more will happen to it by itself: no point asking again. */
export function isSettled(n: Row): boolean {
  return isTerminal(n.status as NotificationStatus) || isFinalFailure(n);
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
