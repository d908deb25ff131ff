import { insertEvents, upsertRecipient } from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { newId } from "@herald/ids";
import { catalog } from "@herald/templates";
import type { TestWorker } from "./test-worker.ts";

export interface GroupEvent {
  userId: string;
  type?: string;
  /** The recipient's address (default `<userId>@example.com`). */
  email?: string;
  /** The recipient's phone (default +14155550100). */
  phone?: string;
}

/**
 * Records events as the API does for a batch: one group id stamped on each,
 * one `route_group` job (unless `enqueue` is false: a job lost before Redis).
 */
export async function acceptGroup(
  w: TestWorker,
  events: GroupEvent[],
  { enqueue = true, channels = ["email"] }: { enqueue?: boolean; channels?: string[] } = {},
): Promise<{ groupId: string; ids: string[] }> {
  const groupId = newId("grp");
  for (const e of events)
    await upsertRecipient(w.deps.db, e.userId, {
      email: e.email ?? `${e.userId}@example.com`,
      phone: e.phone ?? "+14155550100",
    });
  const inserted = await insertEvents(
    w.deps.db,
    events.map((e) => ({
      type: e.type ?? "order_placed",
      userId: e.userId,
      data: catalog.order_placed.example as Record<string, unknown>,
      priority: "normal",
      channels,
      routeJob: groupId,
    })),
  );
  const ids = inserted.map((r) => r.event.id);
  if (enqueue) {
    await w.deps.queues.add(
      "events",
      "route_group",
      { eventIds: ids },
      { jobId: groupId, priority: PRIORITY_RANK.normal },
    );
  }
  return { groupId, ids };
}
