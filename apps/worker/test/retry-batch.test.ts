import { getTimeline, listEventNotifications, loadSendContexts, type NotificationRow, sql } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { eventually } from "@herald/testkit";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handOverRetries, retryBatchId } from "../src/channels/retry-batch.ts";
import { sendBatch } from "../src/channels/send-batch.ts";
import type { ChannelSender } from "../src/providers/provider.ts";
import { reconcile } from "../src/reliability/reconcile.ts";
import { acceptGroup } from "./accept-group.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

async function notificationsOf(w: TestWorker, ids: string[]): Promise<NotificationRow[]> {
  return (await Promise.all(ids.map((id) => listEventNotifications(w.deps.db, id)))).flat();
}

const outage = () => new DeliveryError("transient", "provider down", { provider: "recording", code: "503" });

describe("retry batches", () => {
  let w: TestWorker;
  const calls: string[] = [];
  // A provider that takes batches and is down for good.
  const down: ChannelSender = {
    channel: "email",
    providers: ["recording"],
    async send() {
      throw outage();
    },
    async sendMany(ctxs) {
      calls.push(...ctxs.map((c) => c.notification.id));
      return ctxs.map(() => outage());
    },
  };
  beforeAll(async () => {
    w = await createTestWorker({}, { senders: { email: down } });
  });
  afterAll(() => w?.close());

  it("after the last attempt dead-letters each row, having tried them together every time", async () => {
    const { ids } = await acceptGroup(w, [{ userId: "doomed-a" }, { userId: "doomed-b" }]);
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === 2 && found.every((n) => n.status === "DEAD") ? found : null;
    });
    // RETRY_SCHEDULE has four attempts: each one a single sendMany call carrying both.
    for (const n of rows) {
      expect(calls.filter((id) => id === n.id)).toHaveLength(4);
      expect(n.retryCount).toBe(3);
      expect(n.reason).toBe("retries_exhausted");
      const timeline = await getTimeline(w.deps.db, n.id);
      expect(timeline.map((t) => [t.status, (t.detail as { attempt?: number } | null)?.attempt])).toEqual([
        ["PENDING", undefined],
        ["QUEUED", undefined],
        ["FAILED", 1],
        ["FAILED", 2],
        ["FAILED", 3],
        ["DEAD", 4],
      ]);
      const dead = await w.deps.queues
        .get("dead_letter")
        .getJobs(["waiting", "active", "completed", "delayed"]);
      expect(dead.some((j) => j.data.notificationId === n.id)).toBe(true);
    }
    expect(calls.length).toBe(8);
  });
});

describe("retry batches and ownership", () => {
  let w: TestWorker;
  const sent: string[] = [];
  const up: ChannelSender = {
    channel: "email",
    providers: ["recording"],
    async send(ctx) {
      sent.push(ctx.notification.id);
      return { provider: "recording", providerMessageId: `m-${ctx.notification.id}` };
    },
  };
  beforeAll(async () => {
    // Events are routed; nothing consumes the e-mail queue, so the tests run the batches themselves.
    w = await createTestWorker(
      { WORKER_CHANNELS: "events,maintenance", RECONCILE_AFTER_MS: "1" },
      { senders: { email: up } },
    );
  });
  afterAll(() => w?.close());

  async function handedOver(users: string[]) {
    const { ids } = await acceptGroup(
      w,
      users.map((userId) => ({ userId })),
    );
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === users.length ? found : null;
    });
    const batchId = rows[0]!.sendJob!;
    const retryId = await handOverRetries(
      w.deps,
      "email",
      batchId,
      { attempt: 1, maxAttempts: 4, interrupted: false },
      rows.map((notification) => ({ notification, error: outage() })),
    );
    expect(retryId).toBe(
      retryBatchId(
        batchId,
        2,
        rows.map((n) => n.id),
      ),
    );
    return { rows, batchId, retryId: retryId! };
  }

  it("records the rows FAILED, stamped with the retry batch, after putting that job in place", async () => {
    const { rows, retryId } = await handedOver(["own-a", "own-b"]);
    const job = await w.deps.queues.get("email").getJob(retryId);
    expect(job?.name).toBe("send_batch");
    expect(job?.data).toEqual({ notificationIds: rows.map((n) => n.id), priorAttempts: 1 });
    expect(await job?.isDelayed()).toBe(true);
    const now = await loadSendContexts(
      w.deps.db,
      rows.map((n) => n.id),
    );
    for (const n of rows) {
      const row = now.get(n.id)!.notification;
      expect([row.status, row.retryCount, row.sendJob, row.reason]).toEqual(["FAILED", 1, retryId, null]);
    }
    // A second hand-over of the same rows (the batch ran again) names the same job and adds nothing.
    expect(
      retryBatchId(
        retryId,
        2,
        rows.map((n) => n.id),
      ),
    ).toBe(retryId);
  });

  it("sends only the FAILED rows still stamped with it", async () => {
    const { rows, retryId } = await handedOver(["mine", "taken", "canceled"]);
    const [mine, taken, canceled] = rows.map((n) => n.id);
    await w.deps.db.execute(
      sql`update notifications set send_job = 'snd_newer-a2-000000000000' where id = ${taken}`,
    );
    await w.deps.db.execute(sql`update notifications set status = 'CANCELED' where id = ${canceled}`);
    const job = (await w.deps.queues.get("email").getJob(retryId)) as Job;
    const outcome = await sendBatch(w.deps, "email", job);
    expect(outcome).toMatchObject({ sent: 1, skipped: 2, retrying: 0 });
    expect(sent).toEqual([mine]);
    const timeline = await getTimeline(w.deps.db, mine!);
    expect(timeline.at(-1)).toMatchObject({ status: "SENT", detail: { attempt: 2 } });
  });

  it("the reconciler leaves FAILED rows to their waiting retry batch, and gives each a job once that is gone", async () => {
    const { rows, retryId } = await handedOver(["rec-x", "rec-y"]);
    // Only these rows look stale (the test above left a row stamped with a job that never existed).
    await w.deps.db.execute(sql`update notifications set updated_at = now() + interval '1 hour'`);
    for (const n of rows)
      await w.deps.db.execute(
        sql`update notifications set updated_at = now() - interval '1 minute' where id = ${n.id}`,
      );
    expect((await reconcile(w.deps)).requeuedNotifications).toBe(0);
    await (await w.deps.queues.get("email").getJob(retryId))!.remove();
    expect((await reconcile(w.deps)).requeuedNotifications).toBe(rows.length);
    // Each goes on with the attempt the batch was to make (the second), not the schedule's first.
    for (const n of rows)
      expect((await w.deps.queues.get("email").getJob(n.id))?.data).toEqual({
        notificationId: n.id,
        priorAttempts: 1,
      });
  });
});
