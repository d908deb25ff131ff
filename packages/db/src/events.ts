import { newId } from "@herald/ids";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { type ChannelSkip, events } from "./schema/index.ts";

export type EventRow = typeof events.$inferSelect;

export interface NewEvent {
  type: string;
  /** The one recipient; null when the event goes to `topic`. */
  userId: string | null;
  topic?: string | null;
  data: Record<string, unknown>;
  priority: string;
  sendAt?: Date | null;
  channels?: string[] | null;
  dedupKey?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  apiKeyId?: string | null;
}

export interface InsertedEvent {
  event: EventRow;
  /** False when the idempotency key was seen before: `event` is the first one. */
  created: boolean;
}

/**
 * Records events; with an idempotency key, a repeat returns the first event
 * instead of creating one. Concurrent repeats wait on the unique index, so
 * exactly one of them creates.
 */
export async function insertEvents(db: Db, inputs: NewEvent[], round = 0): Promise<InsertedEvent[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((e) => ({ id: newId("evt"), ...e }));
  const inserted = await db
    .insert(events)
    .values(rows)
    .onConflictDoNothing({ target: events.idempotencyKey })
    .returning();
  const byId = new Map(inserted.map((e) => [e.id, e]));
  const missingKeys = rows.filter((r) => !byId.has(r.id)).map((r) => r.idempotencyKey!);
  const existing =
    missingKeys.length > 0
      ? await db.select().from(events).where(inArray(events.idempotencyKey, missingKeys))
      : [];
  const byKey = new Map(existing.map((e) => [e.idempotencyKey, e]));
  // A concurrent request with the same key inserted its row and then removed
  // it again (its enqueue failed): the key is free, so this request inserts.
  const vanished = rows.filter((r) => !byId.has(r.id) && !byKey.has(r.idempotencyKey ?? null));
  const retried =
    vanished.length > 0 && round < 3
      ? new Map(
          (
            await insertEvents(
              db,
              vanished.map(({ id: _id, ...input }) => input),
              round + 1,
            )
          ).map((r) => [r.event.idempotencyKey, r]),
        )
      : new Map<string | null, InsertedEvent>();
  return rows.map((r) => {
    const created = byId.get(r.id);
    if (created) return { event: created, created: true };
    const first = byKey.get(r.idempotencyKey!);
    if (first) return { event: first, created: false };
    const again = retried.get(r.idempotencyKey ?? null);
    if (!again) throw new Error(`event with idempotency key vanished during insert`);
    return again;
  });
}

export async function getEvent(db: Db, id: string): Promise<EventRow | null> {
  const query = prepared(db, "event_by_id", (d) =>
    d
      .select()
      .from(events)
      .where(eq(events.id, sql.placeholder("id")))
      .prepare("event_by_id"),
  );
  const [row] = await query.execute({ id });
  return row ?? null;
}

/** Several events by id in one query (the router groups concurrent jobs' loads). */
export async function getEvents(db: Db, ids: string[]): Promise<Map<string, EventRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(events).where(inArray(events.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Removes events whose enqueue failed, so a 503 leaves nothing behind. */
export async function deleteEvents(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0)
    await db.delete(events).where(and(inArray(events.id, ids), eq(events.status, "accepted")));
}

/**
 * The 503 path of intake: among `ids`, deletes the events still `accepted`
 * unless `keep` says a job exists for them, holding their row locks
 * meanwhile, so a concurrent replay of the same idempotency key (see
 * {@link eventsStillThere}) sees either the row with its job, or no row.
 * Returns the ids deleted.
 */
export async function discardEvents(
  db: Db,
  ids: string[],
  keep: (ids: string[]) => Promise<Set<string>>,
): Promise<string[]> {
  if (ids.length === 0) return [];
  return db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: events.id })
      .from(events)
      .where(and(inArray(events.id, ids), eq(events.status, "accepted")))
      .for("update");
    const kept = await keep(locked.map((r) => r.id));
    const doomed = locked.map((r) => r.id).filter((id) => !kept.has(id));
    if (doomed.length > 0) await tx.delete(events).where(inArray(events.id, doomed));
    return doomed;
  });
}

/** Which of `ids` still exist; waits for a concurrent {@link discardEvents} on them to decide. */
export async function eventsStillThere(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: events.id }).from(events).where(inArray(events.id, ids)).for("share");
  return new Set(rows.map((r) => r.id));
}

export interface RoutedMark {
  id: string;
  suppressed: ChannelSkip[];
  at: Date;
}

/** Marks events routed, recording the channels skipped for each; one statement for all. */
export async function markEventsRouted(db: Db, marks: RoutedMark[]): Promise<void> {
  if (marks.length === 0) return;
  const values = sql.join(
    marks.map(
      (m) => sql`(${m.id}, ${JSON.stringify(m.suppressed)}::jsonb, ${m.at.toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    update events e set status = 'routed', suppressed = v.suppressed, routed_at = v.at
    from (values ${values}) as v (id, suppressed, at)
    where e.id = v.id`);
}

export async function markEventFailed(db: Db, id: string, error: string): Promise<void> {
  await db.update(events).set({ status: "failed", error, routedAt: new Date() }).where(eq(events.id, id));
}

/** Events accepted before `olderThan` and never routed: their job was lost. */
export async function listUnroutedEvents(db: Db, olderThan: Date, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.status, "accepted"), lt(events.createdAt, olderThan)))
    .orderBy(events.createdAt)
    .limit(limit);
}
