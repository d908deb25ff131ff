import {
  type EventRow,
  getEvent,
  insertEvents,
  listEventNotifications,
  type NotificationRow,
} from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import type { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { TestWorker } from "./test-worker.ts";

/** A clock tests move by hand; the worker reads it through `deps.now()`. */
export interface TestClock {
  now(): Date;
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start: string | Date): TestClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = new Date(at).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Emit {
  /** A type of the worker's catalog (the starter catalog's, or one the test gave the worker). */
  type: keyof typeof catalog | (string & {});
  userId: string;
  data?: Record<string, unknown>;
  dedupKey?: string;
  priority?: Priority;
  sendAt?: Date;
  channels?: string[];
}

/** Records an event the way the API does (type's priority unless overridden) and queues its routing. */
export async function emit(w: TestWorker, e: Emit): Promise<string> {
  const def = w.deps.catalog.get(e.type);
  if (!def) throw new Error(`${e.type} is not in the test worker's catalog`);
  const priority = e.priority ?? def.priority;
  const [inserted] = await insertEvents(w.deps.db, [
    {
      type: e.type,
      userId: e.userId,
      data: e.data ?? (def.example as Record<string, unknown>),
      priority,
      channels: e.channels ?? null,
      sendAt: e.sendAt ?? null,
      dedupKey: e.dedupKey ?? null,
    },
  ]);
  const id = inserted!.event.id;
  await w.deps.queues.add(
    "events",
    "route",
    { eventId: id },
    { jobId: id, priority: PRIORITY_RANK[priority] },
  );
  return id;
}

/** Waits until the router has handled the event; returns it with its notifications. */
export async function routed(
  w: TestWorker,
  eventId: string,
): Promise<{ event: EventRow; notifications: NotificationRow[] }> {
  const event = await eventually(async () => {
    const e = await getEvent(w.deps.db, eventId);
    return e?.status === "routed" ? e : null;
  });
  return { event, notifications: await listEventNotifications(w.deps.db, eventId) };
}

/** Waits until the event's notification on `channel` reaches `status`. */
export async function reaches(w: TestWorker, eventId: string, channel: string, status: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === channel);
    return n?.status === status ? n : null;
  });
}

export async function outboxFor(w: TestWorker, notificationIds: string[]) {
  if (notificationIds.length === 0) return [];
  return w.db.sql<{ notification_id: string; channel: string; destination: string; content: any }[]>`
    select notification_id, channel, destination, content from outbox_messages
    where notification_id in ${w.db.sql(notificationIds)} order by id`;
}
