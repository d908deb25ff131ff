import { newId } from "@herald/ids";
import { and, desc, eq, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type Page, toPage } from "./cursor.ts";
import { events, schedules } from "./schema/index.ts";

export type ScheduleRow = typeof schedules.$inferSelect;

export type NewSchedule = Omit<
  typeof schedules.$inferInsert,
  "id" | "runs" | "lastRunAt" | "lastEventId" | "updatedAt"
>;

/**
 * Records a schedule; `nextRunAt` is the caller's (it knows the rule and the
 * zone). With an `idempotencyKey` another request already used, nothing is
 * written and that request's schedule comes back, `replay` set.
 */
export async function createSchedule(
  db: Db,
  input: NewSchedule,
): Promise<{ row: ScheduleRow; replay: boolean }> {
  const [row] = await db
    .insert(schedules)
    .values({ id: newId("sch"), ...input })
    .onConflictDoNothing({ target: schedules.idempotencyKey })
    .returning();
  if (row) return { row, replay: false };
  const first = input.idempotencyKey ? await getScheduleByIdempotencyKey(db, input.idempotencyKey) : null;
  // Only a key conflicts; a conflict whose first schedule is gone (deleted meanwhile) is a new request again.
  if (!first) return createSchedule(db, input);
  return { row: first, replay: true };
}

/** The schedule a request with this `Idempotency-Key` created, if any. */
export async function getScheduleByIdempotencyKey(db: Db, key: string): Promise<ScheduleRow | null> {
  const [row] = await db.select().from(schedules).where(eq(schedules.idempotencyKey, key));
  return row ?? null;
}

export async function getSchedule(db: Db, id: string): Promise<ScheduleRow | null> {
  const [row] = await db.select().from(schedules).where(eq(schedules.id, id));
  return row ?? null;
}

export interface ScheduleFilter {
  userId?: string;
  topic?: string;
  type?: string;
  /** The id the previous page ended with. */
  after?: string;
  limit: number;
}

/** Schedules newest first (ids sort by creation), a page at a time. */
export async function listSchedules(db: Db, filter: ScheduleFilter): Promise<Page<ScheduleRow>> {
  const where: SQL[] = [];
  if (filter.userId !== undefined) where.push(eq(schedules.userId, filter.userId));
  if (filter.topic !== undefined) where.push(eq(schedules.topic, filter.topic));
  if (filter.type !== undefined) where.push(eq(schedules.type, filter.type));
  if (filter.after !== undefined) where.push(lt(schedules.id, filter.after));
  const rows = await db
    .select()
    .from(schedules)
    .where(and(...where))
    .orderBy(desc(schedules.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit);
}

export type SchedulePatch = Partial<
  Pick<
    ScheduleRow,
    "data" | "rule" | "timezone" | "endsAt" | "maxRuns" | "pausedAt" | "nextRunAt" | "priority" | "channels"
  >
>;

/**
 * Changes a schedule, provided its `nextRunAt` is still `expectedNextRunAt`
 * (the caller computed the new one from what it read): null when the row is
 * gone or a run moved it on meanwhile (the caller reads again).
 */
export async function updateSchedule(
  db: Db,
  id: string,
  expectedNextRunAt: Date | null,
  patch: SchedulePatch,
): Promise<ScheduleRow | null> {
  const [row] = await db
    .update(schedules)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(
      and(
        eq(schedules.id, id),
        expectedNextRunAt ? eq(schedules.nextRunAt, expectedNextRunAt) : isNull(schedules.nextRunAt),
      ),
    )
    .returning();
  return row ?? null;
}

/** True when there was such a schedule. */
export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(schedules).where(eq(schedules.id, id)).returning({ id: schedules.id });
  return rows.length > 0;
}

/**
 * Records the run due at `runAt` as done and sets the next one, in one
 * compare-and-set: only while the schedule is active and `runAt` is still its
 * next run. False when it is not (paused, deleted, changed, or another
 * attempt of the same run got here first): the caller adds no next job.
 */
export async function advanceSchedule(
  db: Db,
  id: string,
  runAt: Date,
  done: {
    eventId: string;
    /** The occurrence the run stood for: `runAt`, or the latest one missed when it ran late. */
    ranAt: Date;
    nextRunAt: Date | null;
  },
): Promise<boolean> {
  const rows = await db
    .update(schedules)
    .set({
      runs: sql`${schedules.runs} + 1`,
      lastRunAt: done.ranAt,
      lastEventId: done.eventId,
      nextRunAt: done.nextRunAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(schedules.id, id), eq(schedules.nextRunAt, runAt), isNull(schedules.pausedAt)))
    .returning({ id: schedules.id });
  return rows.length > 0;
}

/** Active schedules whose next run was due before `before`, oldest first. */
export async function overdueSchedules(db: Db, before: Date, limit: number): Promise<ScheduleRow[]> {
  return db
    .select()
    .from(schedules)
    .where(and(isNotNull(schedules.nextRunAt), isNull(schedules.pausedAt), lt(schedules.nextRunAt, before)))
    .orderBy(schedules.nextRunAt)
    .limit(limit);
}

export interface ScheduleRun {
  eventId: string;
  createdAt: Date;
  status: string;
}

/** The events a schedule's runs created, newest first. */
export async function listScheduleRuns(db: Db, scheduleId: string, limit: number): Promise<ScheduleRun[]> {
  return db
    .select({ eventId: events.id, createdAt: events.createdAt, status: events.status })
    .from(events)
    .where(eq(events.scheduleId, scheduleId))
    .orderBy(desc(events.id))
    .limit(limit);
}
