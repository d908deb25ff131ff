import type { Channel } from "@herald/domain";
import { newId } from "@herald/ids";
import { and, asc, eq, getTableColumns, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type DigestRelease, listReleasedItems, releaseDigestItems } from "./digest-release.ts";
import type { NewNotification, NotificationRow } from "./notifications.ts";
import { digests, events, notifications, notificationTimeline } from "./schema/index.ts";

export type DigestRow = typeof digests.$inferSelect;

export interface DigestWindow {
  recipientId: string;
  userId: string;
  channel: Channel;
  flushAt: Date;
}

/** The row of one window: unique per (recipient, channel, flushAt). */
const isWindow = (w: Pick<DigestWindow, "recipientId" | "channel" | "flushAt">) =>
  and(eq(digests.recipientId, w.recipientId), eq(digests.channel, w.channel), eq(digests.flushAt, w.flushAt));

/**
 * The digest row of a window, created on first use. Concurrent routers agree
 * on one row per (recipient, channel, flushAt). It may already be flushed:
 * callers check `status` and move on to the next window.
 */
export async function openDigest(db: Db, w: DigestWindow): Promise<DigestRow> {
  const [created] = await db
    .insert(digests)
    .values({ id: newId("dig"), notificationId: newId("ntf"), ...w })
    .onConflictDoNothing({ target: [digests.recipientId, digests.channel, digests.flushAt] })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(digests).where(isWindow(w));
  return existing!;
}

export async function getDigest(db: Db, id: string): Promise<DigestRow | null> {
  const [row] = await db.select().from(digests).where(eq(digests.id, id));
  return row ?? null;
}

/** The digest window whose notification is `notificationId`. */
export async function getDigestOfNotification(db: Db, notificationId: string): Promise<DigestRow | null> {
  const [row] = await db.select().from(digests).where(eq(digests.notificationId, notificationId));
  return row ?? null;
}

/**
 * Files notifications into an open digest as DIGESTED items pointing at the
 * digest notification. Holds a share lock on the digest row, so a flush
 * (which updates that row) either sees these items or runs before and makes
 * this return null: the caller then uses the next window. Rows that exist
 * already (a re-run router) are returned as they are. Rows of a canceled
 * event are not filed; the event row is share-locked first, so a concurrent
 * cancel either waits for these items (and then cancels them) or is seen
 * (see `cancelEvent`).
 */
export async function addDigestItems(
  db: Db,
  digestId: string,
  rows: Omit<NewNotification, "status" | "digestId">[],
  at: Date,
): Promise<NotificationRow[] | null> {
  if (rows.length === 0) return [];
  return db.transaction(async (tx) => {
    const eventIds = [...new Set(rows.map((r) => r.eventId))];
    // Share-locked until the items commit, so a cancel's UPDATE of canceled_at waits for them
    // (and then cancels them); one that committed first is read here, since a row locked after
    // a concurrent update is read as updated. No canceled_at test in the WHERE: a row it left
    // out would not be locked.
    const locked = await tx
      .select({ id: events.id, canceledAt: events.canceledAt })
      .from(events)
      .where(inArray(events.id, eventIds))
      .for("share");
    const canceled = new Set(locked.filter((e) => e.canceledAt).map((e) => e.id));
    const live = rows.filter((r) => !canceled.has(r.eventId));
    if (live.length === 0) return [];
    const [digest] = await tx
      .select()
      .from(digests)
      .where(and(eq(digests.id, digestId), eq(digests.status, "open")))
      .for("share");
    if (!digest) return null;
    const created = await tx
      .insert(notifications)
      .values(
        live.map((r) => ({
          ...r,
          status: "DIGESTED" as const,
          digestId: digest.notificationId,
          createdAt: at,
          updatedAt: at,
        })),
      )
      .onConflictDoNothing({
        target: [notifications.eventId, notifications.recipientId, notifications.channel],
      })
      .returning();
    if (created.length > 0) {
      await tx.insert(notificationTimeline).values(
        created.flatMap((n) => [
          { notificationId: n.id, status: "PENDING" as const, at },
          {
            notificationId: n.id,
            status: "DIGESTED" as const,
            at,
            detail: { digestId: digest.notificationId, flushAt: digest.flushAt.toISOString() },
          },
        ]),
      );
    }
    if (created.length === live.length) return created;
    const existing = await tx.select().from(notifications).where(eq(notifications.eventId, live[0]!.eventId));
    const createdIds = new Set(created.map((c) => c.id));
    return [
      ...created,
      ...existing.filter(
        (e) =>
          !createdIds.has(e.id) &&
          live.some((r) => r.recipientId === e.recipientId && r.channel === e.channel),
      ),
    ];
  });
}

export interface DigestItem {
  notification: NotificationRow;
  /** The item's event data (null if the event is gone), for the digest template. */
  data: Record<string, unknown> | null;
}

/** What a flush makes of a window's pending items. */
export interface DigestFlushPlan {
  /** The digest notification of the items folded; null when none is (every item was released). */
  digest: Omit<NewNotification, "id" | "eventId"> | null;
  /** Items that are not folded but go out on their own (see `releaseDigestItems`). Default: none. */
  release?: DigestRelease;
}

/** `released`: items that left the window to go out on their own (to enqueue, like the digest). */
export type FlushResult =
  | {
      kind: "flushed";
      digest: DigestRow;
      notification: NotificationRow;
      items: number;
      released: NotificationRow[];
    }
  | { kind: "empty"; digest: DigestRow; released: NotificationRow[] }
  | { kind: "already"; digest: DigestRow; notification: NotificationRow | null; released: NotificationRow[] }
  | { kind: "missing" };

/**
 * Closes a digest window and writes its one digest notification, planned by
 * `plan` from the pending items, in one transaction. Only the flush that
 * moves the row from `open` wins; every other (a second worker process, a
 * re-delivered job, the sweeper) gets `already`, with the released items
 * still to be sent. A window whose items were all withdrawn, or all
 * released, becomes `empty` and sends no digest.
 */
export async function flushDigest(
  db: Db,
  digestId: string,
  at: Date,
  plan: (digest: DigestRow, items: DigestItem[]) => Promise<DigestFlushPlan>,
): Promise<FlushResult> {
  return db.transaction(async (tx) => {
    const [digest] = await tx
      .update(digests)
      .set({ status: "sent", flushedAt: at })
      .where(and(eq(digests.id, digestId), eq(digests.status, "open")))
      .returning();
    if (!digest) {
      const [current] = await tx.select().from(digests).where(eq(digests.id, digestId));
      if (!current) return { kind: "missing" as const };
      const [n] = await tx.select().from(notifications).where(eq(notifications.id, current.notificationId));
      const released = await listReleasedItems(tx, current.notificationId);
      return { kind: "already" as const, digest: current, notification: n ?? null, released };
    }
    const rows = await tx
      .select({ notification: getTableColumns(notifications), data: events.data })
      .from(notifications)
      .leftJoin(events, eq(events.id, notifications.eventId))
      .where(and(eq(notifications.digestId, digest.notificationId), eq(notifications.status, "DIGESTED")))
      .orderBy(asc(notifications.id));
    const planned = rows.length > 0 ? await plan(digest, rows) : { digest: null };
    const released = planned.release
      ? await releaseDigestItems(tx, digest.notificationId, planned.release, at)
      : [];
    const built = planned.digest;
    const folded = rows.length - released.length;
    // Items neither folded nor released would stay DIGESTED in a window that is gone: never sent.
    if (!built && folded > 0) throw new Error(`flush of ${digestId} left ${folded} items without a digest`);
    if (!built || folded === 0) {
      const [empty] = await tx
        .update(digests)
        .set({ status: "empty", itemCount: 0 })
        .where(eq(digests.id, digest.id))
        .returning();
      return { kind: "empty" as const, digest: empty!, released };
    }
    const [notification] = await tx
      .insert(notifications)
      .values({
        ...built,
        id: digest.notificationId,
        // A digest has no event of its own: its window stands in, which also
        // makes (event, recipient, channel) unique per window.
        eventId: digest.id,
        createdAt: at,
        updatedAt: at,
        queuedAt: built.status === "QUEUED" ? at : null,
      })
      .returning();
    await tx.insert(notificationTimeline).values([
      { notificationId: digest.notificationId, status: "PENDING", at, detail: { digestOf: folded } },
      {
        notificationId: digest.notificationId,
        status: built.status,
        at,
        detail: built.reason ? { reason: built.reason } : null,
      },
    ]);
    const [updated] = await tx
      .update(digests)
      .set({ itemCount: folded })
      .where(eq(digests.id, digest.id))
      .returning();
    return {
      kind: "flushed" as const,
      digest: updated!,
      notification: notification!,
      items: folded,
      released,
    };
  });
}

/** Open windows whose time has come (`flushAt <= before`), oldest first. */
export async function listDueDigests(db: Db, before: Date, limit: number): Promise<DigestRow[]> {
  return db
    .select()
    .from(digests)
    .where(and(eq(digests.status, "open"), lte(digests.flushAt, before)))
    .orderBy(asc(digests.flushAt))
    .limit(limit);
}

/** The notifications folded into a digest notification. */
export async function listDigestItems(db: Db, digestNotificationId: string): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.digestId, digestNotificationId))
    .orderBy(asc(notifications.id));
}

/**
 * Cancels a DIGESTED item while its digest has not gone out: the digest row is
 * share-locked, so a flush that is taking the window (it updates that row)
 * either runs first, and the item went out with it (false), or waits, and
 * then finds the item CANCELED and leaves it out. False when the item is not
 * DIGESTED or its digest is no longer open.
 */
export async function cancelDigestItem(
  db: Db,
  id: string,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const rows = await db.execute<{ id: string }>(sql`
    with open as (
      select d.id from notifications n join digests d on d.notification_id = n.digest_id
      where n.id = ${id} and n.status = 'DIGESTED' and d.status = 'open'
      for share of d
    ), u as (
      update notifications set status = 'CANCELED', updated_at = now()
      where id = ${id} and status = 'DIGESTED' and exists (select 1 from open)
      returning id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'CANCELED', now(), ${JSON.stringify(detail)}::jsonb from u
    )
    select id from u`);
  return rows.length > 0;
}

/** A recipient's digest windows not flushed yet. */
export async function listOpenDigests(db: Db, recipientId: string): Promise<DigestRow[]> {
  return db
    .select()
    .from(digests)
    .where(and(eq(digests.recipientId, recipientId), eq(digests.status, "open")))
    .orderBy(asc(digests.flushAt));
}

/** What decides where an open window moves, read under its lock (items filed meanwhile wait for it). */
export interface DigestWindowContents {
  /** The categories of its pending items, sorted (they decide its period). */
  categories: string[];
  /**
   * When its earliest pending item is due: the item's event's `sendAt`, if
   * after the item was filed, else the filing time (see `addDigestItems`).
   */
  earliestDue: Date;
}

export type MovedDigest =
  /** The window now closes at the new time (its flush job must follow). */
  | { kind: "moved"; digest: DigestRow }
  /** Its items joined the window already open at the new time; this one is left empty. */
  | { kind: "merged"; into: DigestRow }
  /** Flushed or moved meanwhile, or a closed window holds the new time: nothing done. */
  | { kind: "unchanged" };

/**
 * Moves an open window to the time `moveTo` gives for its pending items (the
 * user changed their digest time, time zone or mode), null to leave it; a
 * window with no pending item is left. In one transaction, with the row
 * locked from the read of its items on: a flush or a router filing into it
 * waits and then sees the new time, and `moveTo` sees every item it moves.
 * If a window of the same recipient and channel is already open at that time
 * (items filed since the change), the items join it instead, so the user
 * still gets one digest.
 */
export async function moveDigestWindow(
  db: Db,
  digestId: string,
  moveTo: (contents: DigestWindowContents) => Date | null,
): Promise<MovedDigest> {
  return db.transaction(async (tx) => {
    const [digest] = await tx
      .select()
      .from(digests)
      .where(and(eq(digests.id, digestId), eq(digests.status, "open")))
      .for("update");
    if (!digest) return { kind: "unchanged" as const };
    const [contents] = await tx
      .select({
        categories: sql<
          string[] | null
        >`array_agg(distinct ${notifications.category} order by ${notifications.category})`,
        // greatest() skips a null: an item of an event without sendAt is due when it was filed.
        earliestDue: sql<Date | null>`min(greatest(${notifications.createdAt}, ${events.sendAt}))`.mapWith(
          notifications.createdAt,
        ),
      })
      .from(notifications)
      .leftJoin(events, eq(events.id, notifications.eventId))
      .where(and(eq(notifications.digestId, digest.notificationId), eq(notifications.status, "DIGESTED")));
    if (!contents?.categories || !contents.earliestDue) return { kind: "unchanged" as const };
    const flushAt = moveTo({ categories: contents.categories, earliestDue: contents.earliestDue });
    if (!flushAt || digest.flushAt.getTime() === flushAt.getTime()) return { kind: "unchanged" as const };
    const [other] = await tx
      .select()
      .from(digests)
      .where(isWindow({ ...digest, flushAt }))
      .for("update");
    if (!other) {
      const [moved] = await tx.update(digests).set({ flushAt }).where(eq(digests.id, digest.id)).returning();
      return { kind: "moved" as const, digest: moved! };
    }
    if (other.status !== "open") return { kind: "unchanged" as const };
    await tx
      .update(notifications)
      .set({ digestId: other.notificationId, updatedAt: sql`now()` })
      .where(and(eq(notifications.digestId, digest.notificationId), eq(notifications.status, "DIGESTED")));
    await tx.update(digests).set({ status: "empty", itemCount: 0 }).where(eq(digests.id, digest.id));
    return { kind: "merged" as const, into: other };
  });
}
