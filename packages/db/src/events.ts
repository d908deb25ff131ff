import { newId } from "@herald/ids";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { isoOrNull, pg, rowReader } from "./raw.ts";
import { type ChannelSkip, events } from "./schema/index.ts";

export type EventRow = typeof events.$inferSelect;

const readEvent = rowReader<EventRow>(events);

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
  /** The `route_group` job that routes it (see the column); null: a `route` job of its own. */
  routeJob?: string | null;
  /** The schedule whose run created it; null for the app's own events. */
  scheduleId?: string | null;
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
  const input = JSON.stringify(
    rows.map((e) => ({
      id: e.id,
      idempotency_key: e.idempotencyKey ?? null,
      request_hash: e.requestHash ?? null,
      type: e.type,
      user_id: e.userId,
      topic: e.topic ?? null,
      data: e.data,
      priority: e.priority,
      send_at: isoOrNull(e.sendAt),
      channels: e.channels ?? null,
      dedup_key: e.dedupKey ?? null,
      api_key_id: e.apiKeyId ?? null,
      route_job: e.routeJob ?? null,
      schedule_id: e.scheduleId ?? null,
    })),
  );
  const sql = pg(db);
  // One JSON parameter, one constant statement (prepared once per connection): see raw.ts.
  const inserted = (
    await sql<Record<string, unknown>[]>`
      insert into events (id, idempotency_key, request_hash, type, user_id, topic, data, priority, send_at,
        channels, dedup_key, api_key_id, route_job, schedule_id)
      select * from jsonb_to_recordset(${input}::jsonb) as x(id text, idempotency_key text, request_hash text,
        type text, user_id text, topic text, data jsonb, priority text, send_at timestamptz, channels text[],
        dedup_key text, api_key_id text, route_job text, schedule_id text)
      on conflict (idempotency_key) do nothing
      returning *`
  ).map(readEvent);
  const byId = new Map(inserted.map((e) => [e.id, e]));
  const missingKeys = rows.filter((r) => !byId.has(r.id)).map((r) => r.idempotencyKey!);
  const existing =
    missingKeys.length > 0
      ? (
          await sql<
            Record<string, unknown>[]
          >`select * from events where idempotency_key = any(${missingKeys}::text[])`
        ).map(readEvent)
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
  const rows = await pg(db)<Record<string, unknown>[]>`select * from events where id = any(${ids}::text[])`;
  return new Map(rows.map(readEvent).map((r) => [r.id, r]));
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
  const input = JSON.stringify(
    marks.map((m) => ({ id: m.id, suppressed: m.suppressed, at: m.at.toISOString() })),
  );
  // By primary key whatever the planner guesses of the JSON's size (see markSent).
  await pg(db)`
    update events e set status = 'routed', suppressed = v.suppressed, routed_at = v.at
    from jsonb_to_recordset(${input}::jsonb) as v (id text, suppressed jsonb, at timestamptz)
    where e.id = any(${marks.map((m) => m.id)}::text[]) and e.id = v.id`;
}

/**
 * Marks events failed with `error`, those still waiting to be routed only: in
 * a group whose job gave up, the events already routed keep their status.
 */
export async function markEventsFailed(db: Db, ids: string[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await pg(db)`
    update events set status = 'failed', error = ${error}, routed_at = now()
    where id = any(${ids}::text[]) and status = 'accepted'`;
}

/**
 * Takes failed events back to `accepted` (an operator retries their route
 * job): routing skips a failed event, so without this the retry would do
 * nothing. A canceled event is left failed: the app wants none of it sent.
 * `ownJob`: each gets a `route` job of its own rather than its group's
 * (`route_job` cleared), so the reconciler looks for that one. Returns the
 * events reopened, as they are now.
 */
export async function reopenFailedEvents(
  db: Db,
  ids: string[],
  options: { ownJob?: boolean } = {},
): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  const rows = await pg(db)<Record<string, unknown>[]>`
    update events set status = 'accepted', error = null, routed_at = null,
      route_job = case when ${options.ownJob === true} then null else route_job end
    where id = any(${ids}::text[]) and status = 'failed' and canceled_at is null
    returning *`;
  return rows.map(readEvent);
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
