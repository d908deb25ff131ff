import { claimDedupKey, getEvent, type NotificationRow } from "@herald/db";
import type { WorkerDeps } from "../deps.ts";
import { dedupKeyHash } from "../router/dedup.ts";
import { retakeFrequencySlot } from "../router/frequency-cap.ts";

/**
 * After a send recorded SENT over a cancel that came while the provider call
 * was in flight: the message went out, so it takes back what the cancel gave
 * up for a message that never would. Its frequency-cap slot, at the time it
 * went out: the user got it, and the caps count what the user gets. Its
 * event's dedup claim, which an event cancel releases when nothing went out:
 * a re-trigger with the same key would otherwise send it a second time.
 *
 * Best effort, logged: the message is out and recorded, and a slot or claim
 * missing only lets one more through.
 */
export async function keepWhatWentOut(deps: WorkerDeps, n: NotificationRow, sentAt: Date): Promise<void> {
  try {
    const critical = n.priority === "critical" || deps.catalog.get(n.type)?.priority === "critical";
    // Critical ones never take a slot (SPEC §3), so there is none to take back.
    if (!critical) {
      await retakeFrequencySlot(deps.redis, deps.env.queuePrefix, deps.env.policy.frequencyCaps, {
        recipientId: n.recipientId,
        category: n.category,
        channel: n.channel,
        member: n.eventId,
        sentAt,
      });
    }
    await reclaimDedupKey(deps, n);
  } catch (err) {
    deps.logger.warn(
      { notificationId: n.id, err: (err as Error).message },
      "sent although canceled: frequency-cap slot or dedup claim not taken back",
    );
  }
}

/**
 * Claims the event's dedup key again, for the window the router claimed it
 * for (from when it routed the event): an event cancel released it when it
 * saw nothing sent. A claim still there (a notification cancel releases
 * none) or taken by another event since stays as it is (`claimDedupKey`).
 */
async function reclaimDedupKey(deps: WorkerDeps, n: NotificationRow): Promise<void> {
  const { dedupWindowMs, dedupContentHash } = deps.env.policy;
  if (dedupWindowMs <= 0 || (!n.dedupKey && !dedupContentHash)) return;
  if (n.createdAt.getTime() + dedupWindowMs <= deps.now().getTime()) return;
  const event = await getEvent(deps.db, n.eventId);
  if (!event) return;
  // A topic event has no user of its own: the router keys each recipient's claim by theirs.
  const hash = dedupKeyHash({ ...event, userId: n.userId }, dedupContentHash);
  if (hash) await claimDedupKey(deps.db, hash, event.id, n.createdAt, dedupWindowMs);
}
