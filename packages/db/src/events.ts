import { newId } from "@herald/ids";
import { and, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type ChannelSkip, events } from "./schema/index.ts";

export type EventRow = typeof events.$inferSelect;

export interface NewEvent {
  type: string;
  userId: string;
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
export async function insertEvents(db: Db, inputs: NewEvent[]): Promise<InsertedEvent[]> {
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
  return rows.map((r) => {
    const created = byId.get(r.id);
    if (created) return { event: created, created: true };
    const first = byKey.get(r.idempotencyKey!);
    if (!first) throw new Error(`event with idempotency key vanished during insert`);
    return { event: first, created: false };
  });
}

export async function getEvent(db: Db, id: string): Promise<EventRow | null> {
  const [row] = await db.select().from(events).where(eq(events.id, id));
  return row ?? null;
}

/** Removes events whose enqueue failed, so a 503 leaves nothing behind. */
export async function deleteEvents(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0)
    await db.delete(events).where(and(inArray(events.id, ids), eq(events.status, "accepted")));
}

export async function markEventRouted(db: Db, id: string, suppressed: ChannelSkip[]): Promise<void> {
  await db
    .update(events)
    .set({ status: "routed", suppressed, routedAt: new Date() })
    .where(eq(events.id, id));
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
