import {
  type Db,
  insertEvents,
  listEventNotifications,
  type NotificationRow,
  sql,
  upsertRecipient,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { newId } from "@herald/ids";
import { createQueues, createRedis, type Queues } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { eventually, type FaultStack } from "@herald/testkit";
import type { Redis } from "ioredis";

export interface StackClient {
  redis: Redis;
  queues: Queues;
  /** Records an event and (unless `enqueue` is false) puts its route job on the queue, as the API does. */
  trigger(
    userId: string,
    options?: { enqueue?: boolean; orderId?: string; critical?: boolean },
  ): Promise<string>;
  /** Records events accepted together, as the API does for a batch: one `route_group` job for all. */
  triggerGroup(userIds: string[]): Promise<string[]>;
  /** The event's e-mail notification, once the router wrote it. */
  emailOf(eventId: string, timeoutMs?: number): Promise<NotificationRow>;
  status(notificationId: string): Promise<string | undefined>;
  /** Rows the (fake or dev) provider wrote for this notification: one per send. */
  outboxCount(notificationId: string): Promise<number>;
  close(): void;
}

/** What a test needs to drive the stack's workers from outside: the database and the queues. */
export function stackClient(stack: FaultStack, prefix = "herald"): StackClient {
  const db: Db = stack.db.db;
  const redis = createRedis(stack.redisUrl, "worker");
  redis.on("error", () => {});
  const queues = createQueues(redis, prefix);
  return {
    redis,
    queues,
    async trigger(userId, options = {}) {
      await upsertRecipient(db, userId, { email: `${userId}@example.com` });
      // A critical one is a password reset, routed and sent on the critical lanes.
      const [inserted] = await insertEvents(db, [
        options.critical
          ? {
              type: "password_reset",
              userId,
              data: catalog.password_reset.example,
              priority: "critical",
              channels: ["email"],
            }
          : {
              type: "order_placed",
              userId,
              data: { ...catalog.order_placed.example, orderId: options.orderId ?? userId },
              priority: "normal",
              channels: ["email"],
            },
      ]);
      const id = inserted!.event.id;
      const priority = PRIORITY_RANK[options.critical ? "critical" : "normal"];
      if (options.enqueue !== false)
        await queues.add("events", "route", { eventId: id }, { jobId: id, priority });
      return id;
    },
    async triggerGroup(userIds) {
      const groupId = newId("grp");
      for (const userId of userIds) await upsertRecipient(db, userId, { email: `${userId}@example.com` });
      const inserted = await insertEvents(
        db,
        userIds.map((userId) => ({
          type: "order_placed",
          userId,
          data: { ...catalog.order_placed.example, orderId: userId },
          priority: "normal",
          channels: ["email"],
          routeJob: groupId,
        })),
      );
      const ids = inserted.map((r) => r.event.id);
      await queues.add("events", "route_group", { eventIds: ids }, { jobId: groupId });
      return ids;
    },
    async emailOf(eventId, timeoutMs = 20_000) {
      return eventually(
        async () => (await listEventNotifications(db, eventId)).find((n) => n.channel === "email"),
        timeoutMs,
      );
    },
    async status(id) {
      const rows = await db.execute<{ status: string }>(
        sql`select status from notifications where id = ${id}`,
      );
      return rows[0]?.status;
    },
    async outboxCount(id) {
      const rows = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from outbox_messages where notification_id = ${id}`,
      );
      return rows[0]!.n;
    },
    close() {
      void queues.close().finally(() => redis.disconnect());
    },
  };
}
