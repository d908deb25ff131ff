/**
 * Answers by which a receiver refuses the body itself: 400 (malformed or
 * invalid), 413 (too large, often a proxy's limit) and 422 (its validation
 * refused a change). Sending the same body again gets the same answer, so a
 * batch refused this way keeps failing until the change it objects to is
 * isolated. Every other failure says nothing about the body: 401/403 (wrong
 * secret), 404/410 (wrong URL), 408/429/5xx and network errors are the
 * receiver's state, and splitting the batch would only multiply requests.
 */
export const CONTENT_REJECTION_STATUSES: readonly number[] = [400, 413, 422];

/** Whether a receiver's HTTP status (null: it did not answer) refuses the body itself. */
export function isContentRejection(status: number | null): boolean {
  return status !== null && CONTENT_REJECTION_STATUSES.includes(status);
}

/** What a failed attempt leads to: try the same batch again, split it in two, or drop its one change. */
export type RefusalStep = "retry" | "split" | "drop";

export interface RefusedAttempt {
  /** The receiver's HTTP status; null when it did not answer. */
  status: number | null;
  /** Consecutive content rejections of the batch before this attempt. */
  rejections: number;
  /** Changes in the batch. */
  changes: number;
  /** `STATUS_WEBHOOK_SPLIT_AFTER`; 0: never split or drop. */
  splitAfter: number;
}

/**
 * A batch refused for its body `splitAfter` times in a row is split (or,
 * down to one change, that change is dropped); anything else is retried
 * whole, as the same batch under the same `webhook-id` (always, with `splitAfter` 0).
 */
export function refusalStep(a: RefusedAttempt): RefusalStep {
  if (a.splitAfter === 0 || !isContentRejection(a.status) || a.rejections + 1 < a.splitAfter) return "retry";
  return a.changes > 1 ? "split" : "drop";
}
