import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { DeviceRow } from "./devices.ts";
import { type RecipientWithPreferences, toPreferences } from "./preferences.ts";
import { pg, rowReader } from "./raw.ts";
import {
  type ChannelSkip,
  devices,
  events,
  type FanoutPageCounts,
  fanoutMisses,
  fanoutPages,
  preferences,
  recipients,
  topicSubscribers,
} from "./schema/index.ts";

const readDevice = rowReader<DeviceRow>(devices);

export type FanoutPageRow = typeof fanoutPages.$inferSelect;
export type { FanoutPageCounts };

/** A topic event's audience: subscribed by the time the event was accepted (re-runs see the same set). */
function audience(topic: string, acceptedAt: Date) {
  return and(eq(topicSubscribers.topicKey, topic), lte(topicSubscribers.createdAt, acceptedAt));
}

/**
 * Splits a topic event's audience into pages of `pageSize` by recipient id,
 * once: the page bounds are computed in PostgreSQL (only every
 * `pageSize`-th id comes back, never the audience) and stored, and a re-run
 * returns the stored plan instead of a new one.
 */
export async function planFanoutPages(
  db: Db,
  event: { id: string; topic: string; createdAt: Date },
  pageSize: number,
): Promise<FanoutPageRow[]> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [locked] = await t
      .select({ pages: events.fanoutPages })
      .from(events)
      .where(eq(events.id, event.id))
      .for("update");
    if (locked?.pages == null) {
      const bounds = await t.execute<{ id: string }>(sql`
        select recipient_id as id from (
          select recipient_id, row_number() over (order by recipient_id) as n
          from topic_subscribers
          where topic_key = ${event.topic} and created_at <= ${event.createdAt.toISOString()}::timestamptz
        ) s where n % ${pageSize} = 0 order by recipient_id`);
      const ids = [...bounds].map((b) => b.id);
      const rows = [...ids, null].map((until, page) => ({
        eventId: event.id,
        page,
        after: page === 0 ? null : ids[page - 1]!,
        until,
      }));
      for (let i = 0; i < rows.length; i += 1000) {
        await t
          .insert(fanoutPages)
          .values(rows.slice(i, i + 1000))
          .onConflictDoNothing();
      }
      await t.update(events).set({ fanoutPages: rows.length }).where(eq(events.id, event.id));
    }
    return t
      .select()
      .from(fanoutPages)
      .where(eq(fanoutPages.eventId, event.id))
      .orderBy(asc(fanoutPages.page));
  });
}

export async function getFanoutPage(db: Db, eventId: string, page: number): Promise<FanoutPageRow | null> {
  const [row] = await db
    .select()
    .from(fanoutPages)
    .where(and(eq(fanoutPages.eventId, eventId), eq(fanoutPages.page, page)));
  return row ?? null;
}

export type FanoutRecipient = RecipientWithPreferences;

/** One page of a topic event's audience with each recipient's preferences, in one query. */
export async function loadFanoutRecipients(
  db: Db,
  event: { topic: string; createdAt: Date },
  bounds: { after: string | null; until: string | null },
): Promise<FanoutRecipient[]> {
  const rows = await db
    .select({ recipient: recipients, prefs: preferences })
    .from(topicSubscribers)
    .innerJoin(recipients, eq(recipients.id, topicSubscribers.recipientId))
    .leftJoin(preferences, eq(preferences.recipientId, topicSubscribers.recipientId))
    .where(
      and(
        audience(event.topic, event.createdAt),
        bounds.after ? gt(topicSubscribers.recipientId, bounds.after) : undefined,
        bounds.until ? lte(topicSubscribers.recipientId, bounds.until) : undefined,
      ),
    )
    .orderBy(asc(topicSubscribers.recipientId));
  return rows.map(({ recipient, prefs }) => ({ recipient, prefs: toPreferences(prefs) }));
}

/**
 * The devices of many recipients in one query, by recipient, each one's in id
 * order (as `listDevices` gives them). A recipient without devices is absent.
 */
export async function listDevicesOf(db: Db, recipientIds: string[]): Promise<Map<string, DeviceRow[]>> {
  const byRecipient = new Map<string, DeviceRow[]>();
  if (recipientIds.length === 0) return byRecipient;
  const rows = await pg(db)<Record<string, unknown>[]>`
    select * from devices where recipient_id = any(${recipientIds}::text[]) order by recipient_id, id`;
  for (const device of rows.map(readDevice)) {
    const list = byRecipient.get(device.recipientId);
    if (list) list.push(device);
    else byRecipient.set(device.recipientId, [device]);
  }
  return byRecipient;
}

export interface FanoutSummary {
  pages: number;
  pagesDone: number;
  recipients: number;
  notifications: number;
  skipped: Record<string, number>;
}

/** A topic event's fan-out so far, summed over its finished pages. */
export async function fanoutSummary(db: Db, eventId: string): Promise<FanoutSummary> {
  const rows = await db
    .select({ counts: fanoutPages.counts, doneAt: fanoutPages.doneAt })
    .from(fanoutPages)
    .where(eq(fanoutPages.eventId, eventId));
  const out: FanoutSummary = {
    pages: rows.length,
    pagesDone: 0,
    recipients: 0,
    notifications: 0,
    skipped: {},
  };
  for (const r of rows) {
    if (!r.doneAt || !r.counts) continue;
    out.pagesDone++;
    out.recipients += r.counts.recipients;
    out.notifications += r.counts.notifications;
    for (const [reason, n] of Object.entries(r.counts.skipped))
      out.skipped[reason] = (out.skipped[reason] ?? 0) + n;
  }
  return out;
}

/** A subscriber a topic event's fan-out made nothing for, and why. */
export interface FanoutMiss {
  recipientId: string;
  suppressed: ChannelSkip[];
}

/** Records a page's subscribers who got nothing; a re-run page adds nothing twice. */
export async function recordFanoutMisses(db: Db, eventId: string, misses: FanoutMiss[]): Promise<void> {
  // 100 rows a statement: drizzle builds a multi-row insert at ~0.2 ms of CPU a row, and a page
  // (up to 10,000 subscribers) built in one go would hold the worker's event loop for seconds.
  for (let i = 0; i < misses.length; i += MISSES_PER_STATEMENT) {
    await db
      .insert(fanoutMisses)
      .values(misses.slice(i, i + MISSES_PER_STATEMENT).map((m) => ({ ...m, eventId })))
      .onConflictDoNothing();
  }
}

const MISSES_PER_STATEMENT = 100;

/** A subscriber a topic event made nothing for: their Herald id (`id`), app user id and why. */
export interface FanoutMissRow {
  id: string;
  userId: string;
  suppressed: ChannelSkip[];
}

/** A topic event's subscribers who got nothing, by recipient id, after `afterId` (paging). */
export async function listEventMisses(
  db: Db,
  eventId: string,
  afterId: string | null,
  limit: number,
): Promise<FanoutMissRow[]> {
  return db
    .select({
      id: fanoutMisses.recipientId,
      userId: recipients.externalId,
      suppressed: fanoutMisses.suppressed,
    })
    .from(fanoutMisses)
    .innerJoin(recipients, eq(recipients.id, fanoutMisses.recipientId))
    .where(
      and(eq(fanoutMisses.eventId, eventId), afterId ? gt(fanoutMisses.recipientId, afterId) : undefined),
    )
    .orderBy(asc(fanoutMisses.recipientId))
    .limit(limit);
}

/**
 * Records a page as done (a re-run overwrites it with the same counts) and,
 * when it was the last open page, marks the event routed. Each page commits
 * before it counts the open ones, so the last to finish always sees none.
 */
export async function finishFanoutPage(
  db: Db,
  eventId: string,
  page: number,
  counts: FanoutPageCounts,
): Promise<{ eventDone: boolean }> {
  await db
    .update(fanoutPages)
    .set({ counts, doneAt: sql`coalesce(${fanoutPages.doneAt}, now())` })
    .where(and(eq(fanoutPages.eventId, eventId), eq(fanoutPages.page, page)));
  const [open] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(fanoutPages)
    .where(and(eq(fanoutPages.eventId, eventId), isNull(fanoutPages.doneAt)));
  if ((open?.n ?? 0) > 0) return { eventDone: false };
  await db
    .update(events)
    .set({ status: "routed", routedAt: new Date() })
    .where(and(eq(events.id, eventId), eq(events.status, "accepted")));
  return { eventDone: true };
}
