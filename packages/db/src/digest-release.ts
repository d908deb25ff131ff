import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { NotificationRow } from "./notifications.ts";
import { notifications, notificationTimeline } from "./schema/index.ts";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Items that leave their digest window at its flush instead of being folded
 * (their type is no longer digested), and what they become: sent on their
 * own, as the digest would have been at that moment.
 */
export interface DigestRelease {
  ids: string[];
  status: "QUEUED" | "SCHEDULED" | "SUPPRESSED";
  reason: string | null;
  scheduledAt: Date | null;
  /** Their timeline entry's detail: why they left (never PII). */
  detail: Record<string, unknown>;
}

/** The statuses a released item can have before it is sent (what a re-run flush enqueues again). */
const SENDABLE = ["QUEUED", "SCHEDULED"] as const;

/**
 * Moves DIGESTED items of the digest notification `digestId` out of it, in
 * the flush's transaction (which holds the window's row, so neither a cancel
 * of the item nor a router filing into the window runs meanwhile). The items
 * keep their `digest_id`: it records the window they left, and lets a re-run
 * flush find them. DIGESTED is otherwise final (`@herald/domain`); this is
 * its one way on, like `cancelDigestItem`'s to CANCELED.
 */
export async function releaseDigestItems(
  tx: Tx,
  digestId: string,
  release: DigestRelease,
  at: Date,
): Promise<NotificationRow[]> {
  if (release.ids.length === 0) return [];
  const moved = await tx
    .update(notifications)
    .set({
      status: release.status,
      reason: release.reason,
      scheduledAt: release.scheduledAt,
      queuedAt: release.status === "QUEUED" ? at : null,
      updatedAt: at,
    })
    .where(
      and(
        inArray(notifications.id, release.ids),
        eq(notifications.digestId, digestId),
        eq(notifications.status, "DIGESTED"),
      ),
    )
    .returning();
  if (moved.length > 0) {
    await tx.insert(notificationTimeline).values(
      moved.map((n) => ({
        notificationId: n.id,
        status: release.status,
        at,
        detail: { ...release.detail, ...(release.reason ? { reason: release.reason } : {}) },
      })),
    );
  }
  return moved.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Items released from the digest notification `digestId` that are still to be sent. */
export async function listReleasedItems(db: Db | Tx, digestId: string): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.digestId, digestId), inArray(notifications.status, [...SENDABLE])))
    .orderBy(asc(notifications.id));
}
