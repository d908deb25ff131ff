import { getTimeline, listEventNotifications, type NotificationRow } from "@herald/db";
import { eventually } from "@herald/testkit";
import { expect } from "vitest";
import type { TestWorker } from "./test-worker.ts";

/** The `channel` notifications of these events, once every one of them is SENT. */
export async function allSent(
  w: TestWorker,
  eventIds: string[],
  channel = "email",
  timeoutMs = 30_000,
): Promise<NotificationRow[]> {
  return eventually(async () => {
    const rows = (await Promise.all(eventIds.map((id) => listEventNotifications(w.deps.db, id))))
      .flat()
      .filter((n) => n.channel === channel);
    return rows.length === eventIds.length && rows.every((n) => n.status === "SENT") ? rows : null;
  }, timeoutMs);
}

/** The event's e-mail notification, once it is SENT. */
export async function sentEmail(w: TestWorker, eventId: string): Promise<NotificationRow> {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "email");
    return n?.status === "SENT" ? n : null;
  }, 15_000);
}

/** A notification's timeline as status and detail. */
export const timelineOf = async (w: TestWorker, id: string) =>
  (await getTimeline(w.deps.db, id)).map((t) => ({
    status: t.status,
    detail: t.detail as Record<string, unknown>,
  }));

/** Sent on the first counted attempt: never FAILED or DEAD, nothing dead-lettered. */
export async function expectNoAttemptUsed(w: TestWorker, rows: NotificationRow[]) {
  for (const n of rows) {
    expect(n.retryCount).toBe(0);
    const statuses = (await getTimeline(w.deps.db, n.id)).map((t) => t.status);
    expect(statuses).not.toContain("FAILED");
    expect(statuses).not.toContain("DEAD");
  }
  expect(await w.deps.queues.get("dead_letter").count()).toBe(0);
}

/** The most of `times` (ms) within any `windowMs`: what a rate limit must bound. */
export function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}
