export const NOTIFICATION_STATUSES = [
  "PENDING",
  "SCHEDULED",
  "QUEUED",
  "SENT",
  "DELIVERED",
  "READ",
  "FAILED",
  "DEAD",
  "SUPPRESSED",
  "CANCELED",
  "DIGESTED",
  "BOUNCED",
  "COMPLAINED",
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * Statuses reported unless `STATUS_WEBHOOK_STATUSES` says otherwise: the
 * outcomes an app acts on. PENDING, QUEUED and SCHEDULED are Herald's own
 * progress (every notification passes QUEUED), DIGESTED is an item folded
 * into a digest, whose own notification is reported.
 */
export const DEFAULT_STATUS_WEBHOOK_STATUSES = [
  "SENT",
  "DELIVERED",
  "READ",
  "FAILED",
  "DEAD",
  "BOUNCED",
  "COMPLAINED",
  "SUPPRESSED",
  "CANCELED",
] as const satisfies readonly NotificationStatus[];

export const SUPPRESSION_REASONS = [
  "opted_out",
  "unsubscribed",
  "quiet_hours",
  "frequency_cap",
  "duplicate",
  "unreachable",
  "bounced_address",
  // The user id was erased (GDPR): an event for it sends nothing until the app sets the user up again.
  "erased",
  // An escalation's held channel (a type's `escalation`): the event's other notification was read first.
  "read_elsewhere",
  // The type's condition for the channel (its catalog entry's `conditions`) was false for this event and user.
  "condition",
  // The type's condition for the channel threw: left out rather than sent against the app's rule.
  "condition_error",
  // An opt-in category or channel (`OPT_IN_CATEGORIES`, `OPT_IN_CHANNELS`) the user never said yes to.
  "not_opted_in",
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

// Progress along the happy path. Delivery callbacks arrive out of order
// (a late "delivered" after an "opened"), so a status only moves forward.
const PROGRESS: Partial<Record<NotificationStatus, number>> = {
  PENDING: 0,
  SCHEDULED: 1,
  QUEUED: 2,
  FAILED: 3,
  SENT: 4,
  DELIVERED: 5,
  READ: 6,
};

const TERMINAL = new Set<NotificationStatus>([
  "DEAD",
  "SUPPRESSED",
  "CANCELED",
  "DIGESTED",
  "BOUNCED",
  "COMPLAINED",
]);

export function isTerminal(status: NotificationStatus): boolean {
  return TERMINAL.has(status);
}

/** Reasons a worker writes on a FAILED notification it will not try again: the provider refused it for good. */
export const FINAL_FAILURE_REASONS = ["permanent_error", "device_gone"] as const;
export type FinalFailureReason = (typeof FINAL_FAILURE_REASONS)[number];

/** FAILED for good, as opposed to FAILED and waiting for its next attempt (which has no reason). */
export function isFailedForGood(n: { status: string; reason?: string | null | undefined }): boolean {
  return (
    n.status === "FAILED" &&
    (FINAL_FAILURE_REASONS as readonly (string | null | undefined)[]).includes(n.reason)
  );
}

/**
 * Whether a notification in `from` may move to `to`.
 * - forward along PENDING → … → READ only;
 * - FAILED and DEAD may be retried back to QUEUED/SCHEDULED (an operator's retry);
 * - CANCELED only before it was sent (a discarded dead letter too); a send in flight
 *   when the cancel came still moves it to SENT;
 * - BOUNCED/COMPLAINED arrive from providers after SENT and win over DELIVERED/READ;
 * - a provider's receipt (delivered, read, bounced…) counts for a FAILED or DEAD one too:
 *   the failed attempt may have reached the provider after all.
 */
export function canTransition(from: NotificationStatus, to: NotificationStatus): boolean {
  // Each failed attempt is its own FAILED entry; other statuses never repeat.
  if (from === to) return from === "FAILED";
  if (to === "BOUNCED" || to === "COMPLAINED")
    return ["SENT", "DELIVERED", "READ", "FAILED", "DEAD"].includes(from);
  // DEAD → CANCELED is an operator discarding a dead letter.
  if (to === "CANCELED") return ["PENDING", "SCHEDULED", "QUEUED", "FAILED", "DEAD"].includes(from);
  // Delivery and reads are facts about a message a provider accepted; a FAILED or DEAD one may
  // still have gone out (a timeout after the provider took it), so its late receipts count too:
  // a DEAD one then leaves the dead letters, and an operator's retry cannot send it twice.
  if (to === "DELIVERED") return from === "SENT" || from === "FAILED" || from === "DEAD";
  // A cancel that came while the provider call was in flight: the message went out, and the
  // record must say so (and take its receipts) rather than stay CANCELED.
  if (to === "SENT" && from === "CANCELED") return true;
  if (to === "READ") return ["SENT", "DELIVERED", "FAILED", "DEAD"].includes(from);
  if (from === "DEAD" || from === "FAILED") {
    if (to === "QUEUED" || to === "SCHEDULED" || to === "SENT" || to === "DEAD" || to === "FAILED")
      return true;
  }
  if (isTerminal(from)) return false;
  if (to === "DEAD" || to === "SUPPRESSED" || to === "DIGESTED")
    return !["SENT", "DELIVERED", "READ"].includes(from);
  const a = PROGRESS[from];
  const b = PROGRESS[to];
  if (a === undefined || b === undefined) return false;
  return b > a;
}

/** The statuses `canTransition` lets move to `to`, for a statement's status test. */
export function statusesInto(to: NotificationStatus): NotificationStatus[] {
  return NOTIFICATION_STATUSES.filter((from) => canTransition(from, to));
}
