import {
  getTimeline,
  listEventNotifications,
  type NotificationRow,
  sql,
  upsertDevice,
  upsertRecipient,
} from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelSender } from "../src/providers/provider.ts";
import { reconcile } from "../src/reliability/reconcile.ts";
import { acceptGroup } from "./accept-group.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/**
 * An e-mail provider that records every call: user "flaky" fails once
 * (transient), then goes through; user "bad" fails for good.
 */
function recordingEmail() {
  const calls: string[] = [];
  const sender: ChannelSender = {
    channel: "email",
    providers: ["recording"],
    async send(ctx) {
      calls.push(ctx.notification.id);
      const user = ctx.recipient.externalId;
      if (user === "bad")
        throw new DeliveryError("permanent", "mailbox does not exist", {
          provider: "recording",
          code: "550",
        });
      if (user === "flaky" && calls.filter((id) => id === ctx.notification.id).length === 1)
        throw new DeliveryError("transient", "try later", { provider: "recording", code: "503" });
      return { provider: "recording", providerMessageId: `msg-${ctx.notification.id}` };
    },
  };
  return { sender, calls };
}

/** The notifications of these events (one channel each in these tests). */
async function notificationsOf(w: TestWorker, ids: string[]): Promise<NotificationRow[]> {
  return (await Promise.all(ids.map((id) => listEventNotifications(w.deps.db, id)))).flat();
}

/** SENT, or FAILED for good (a FAILED row without a reason awaits its retry). */
const settled = (rows: NotificationRow[]) =>
  rows.every((n) => n.status === "SENT" || (n.status === "FAILED" && n.reason));

describe("send batches (notifications routed together, sent by one job)", () => {
  let w: TestWorker;
  const email = recordingEmail();
  beforeAll(async () => {
    w = await createTestWorker({ SEND_BATCH_SIZE: "5" }, { senders: { email: email.sender } });
  });
  afterAll(() => w?.close());

  it("sends a group's e-mails through send_batch jobs of SEND_BATCH_SIZE, each once", async () => {
    const { ids } = await acceptGroup(
      w,
      Array.from({ length: 12 }, (_, i) => ({ userId: `batch-${i}` })),
    );
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === 12 && found.every((n) => n.status === "SENT") ? found : null;
    });
    const batches = new Map<string, string[]>();
    for (const n of rows) {
      expect(n.sendJob).toMatch(/^snd_/);
      batches.set(n.sendJob!, [...(batches.get(n.sendJob!) ?? []), n.id]);
      expect(email.calls.filter((id) => id === n.id)).toHaveLength(1);
      // No job of its own: the batch carried it.
      expect(await w.deps.queues.get("email").getJob(n.id)).toBeUndefined();
    }
    expect([...batches.values()].map((b) => b.length).sort()).toEqual([2, 5, 5]);
    for (const [jobId, members] of batches) {
      const job = await w.deps.queues.get("email").getJob(jobId);
      expect(job?.name).toBe("send_batch");
      expect([...job!.data.notificationIds].sort()).toEqual([...members].sort());
      expect(job?.returnvalue).toMatchObject({ sent: members.length, failed: 0, retrying: 0 });
    }
    const timeline = await getTimeline(w.deps.db, rows[0]!.id);
    expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "SENT"]);
    expect(timeline[2]?.detail).toMatchObject({ attempt: 1, provider: "recording" });
  });

  it("hands a transient failure to a retry batch that goes on with the attempt count; a permanent one fails alone", async () => {
    const { ids } = await acceptGroup(w, [
      { userId: "steady-a" },
      { userId: "flaky" },
      { userId: "bad" },
      { userId: "steady-b" },
    ]);
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === 4 && settled(found) ? found : null;
    });
    const [a, flaky, bad, b] = rows;
    expect([a?.status, flaky?.status, bad?.status, b?.status]).toEqual(["SENT", "SENT", "FAILED", "SENT"]);
    expect(new Set([a, bad, b].map((n) => n!.sendJob)).size).toBe(1);

    const queue = w.deps.queues.get("email");
    const batch = await queue.getJob(a!.sendJob!);
    expect(batch?.returnvalue).toMatchObject({ sent: 2, failed: 1, retrying: 1 });

    expect(flaky?.retryCount).toBe(1);
    expect(await queue.getJob(flaky!.id)).toBeUndefined();
    expect(flaky?.sendJob).toMatch(new RegExp(`^${a!.sendJob}-a2-[0-9a-f]{12}$`));
    const retry = await queue.getJob(flaky!.sendJob!);
    expect(retry?.name).toBe("send_batch");
    expect(retry?.data).toEqual({ notificationIds: [flaky!.id], priorAttempts: 1 });
    expect(retry?.returnvalue).toMatchObject({ sent: 1, retrying: 0 });
    const flakyTimeline = await getTimeline(w.deps.db, flaky!.id);
    expect(flakyTimeline.map((t) => [t.status, (t.detail as { attempt?: number } | null)?.attempt])).toEqual([
      ["PENDING", undefined],
      ["QUEUED", undefined],
      ["FAILED", 1],
      ["SENT", 2],
    ]);

    expect(bad?.reason).toBe("permanent_error");
    expect(await w.deps.queues.get("email").getJob(bad!.id)).toBeUndefined();
    expect(email.calls.filter((id) => id === bad!.id)).toHaveLength(1);
  });
});

describe("a push send batch", () => {
  let w: TestWorker;
  const calls = new Map<string, string[]>();
  const push: ChannelSender = {
    channel: "push",
    providers: ["recording"],
    async send(ctx) {
      calls.set(
        ctx.notification.id,
        ctx.devices.map((d) => d.address),
      );
      return { provider: "recording", providerMessageId: `push-${ctx.notification.id}` };
    },
  };
  beforeAll(async () => {
    w = await createTestWorker({}, { senders: { push } });
  });
  afterAll(() => w?.close());

  it("loads its recipients' devices together and sends each notification to its own recipient's devices", async () => {
    const users = ["dev-a", "dev-b", "dev-c"];
    const owned: Record<string, string[]> = { "dev-a": ["a1"], "dev-b": ["b2", "b1"], "dev-c": ["c1"] };
    for (const user of users) {
      const recipient = await upsertRecipient(w.deps.db, user, { email: `${user}@example.com` });
      for (const name of owned[user]!)
        await upsertDevice(w.deps.db, recipient.id, {
          kind: "webpush",
          address: `https://push.example.com/${name}`,
          keys: { p256dh: "p", auth: "a" },
        });
    }
    const { ids } = await acceptGroup(
      w,
      users.map((userId) => ({ userId })),
      { channels: ["push"] },
    );
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === 3 && found.every((n) => n.status === "SENT") ? found : null;
    });
    expect(new Set(rows.map((n) => n.sendJob)).size).toBe(1);
    for (const [i, n] of rows.entries()) {
      const sent = calls.get(n.id)!;
      expect(new Set(sent)).toEqual(new Set(owned[users[i]!]!.map((d) => `https://push.example.com/${d}`)));
    }
  });
});

describe("the reconciler and send batches", () => {
  let w: TestWorker;
  beforeAll(async () => {
    // Events are routed, but nothing consumes the e-mail queue: the batch's job stays waiting, or is gone.
    w = await createTestWorker({ WORKER_CHANNELS: "events,maintenance", RECONCILE_AFTER_MS: "1" });
  });
  afterAll(() => w?.close());

  it("leaves rows whose batch job waits alone, and gives each its own send job once the batch's is gone", async () => {
    const { ids } = await acceptGroup(w, [{ userId: "rec-a" }, { userId: "rec-b" }, { userId: "rec-c" }]);
    const rows = await eventually(async () => {
      const found = await notificationsOf(w, ids);
      return found.length === 3 ? found : null;
    });
    const email = w.deps.queues.get("email");
    const sendJob = rows[0]!.sendJob!;
    expect(rows.every((n) => n.sendJob === sendJob && n.status === "QUEUED")).toBe(true);
    await w.deps.db.execute(sql`update notifications set updated_at = now() - interval '1 minute'`);

    expect((await reconcile(w.deps)).requeuedNotifications).toBe(0);

    await (await email.getJob(sendJob))!.remove();
    expect((await reconcile(w.deps)).requeuedNotifications).toBe(3);
    for (const n of rows) expect((await email.getJob(n.id))?.data).toEqual({ notificationId: n.id });
    expect((await reconcile(w.deps)).requeuedNotifications).toBe(0);
  });
});
