import {
  getNotification,
  getRecipient,
  getTimeline,
  listEventNotifications,
  type NotificationRow,
  type PreferencesPatch,
  suppressAddress,
  updatePreferences,
} from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { eventually, testRedisUrl } from "@herald/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWorkerDeps, type WorkerDepsOverrides } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import type { ChannelSender, SendContext } from "../src/providers/provider.ts";
import { startWorkers } from "../src/start-workers.ts";
import { acceptGroup } from "./accept-group.ts";
import { outboxFor } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/**
 * A `send_batch` job re-checks each of its rows as a single send does: rows
 * routed together, whose recipients opted out, unsubscribed or bounced
 * before the batch ran, are recorded SUPPRESSED and left out of the
 * provider's calls; the others in the same batch go.
 */

let router: TestWorker;
const closing: (() => Promise<void>)[] = [];
beforeAll(async () => {
  // Only the router runs here: the e-mail batches wait until a test starts their consumer.
  router = await createTestWorker({ WORKER_CHANNELS: "events" });
});
// Each test's consumer stops with it: the next test's batch must wait for its own.
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});
afterAll(() => router?.close());

/** Another process consuming the e-mail queue, on the router's database and queue prefix. */
function startSending(overrides: WorkerDepsOverrides = {}): void {
  const deps = createWorkerDeps(
    loadWorkerEnv({
      DATABASE_URL: router.db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: router.deps.env.queuePrefix,
      NODE_ENV: "test",
      WORKER_CHANNELS: "email",
      RETRY_SCHEDULE: "0,30ms,60ms,90ms",
    }),
    overrides,
  );
  const running = startWorkers(deps);
  closing.push(async () => {
    await running.close();
    await deps.close();
  });
}

/** Routes one group of e-mails and waits until they wait, QUEUED, in one send batch. */
async function batchOf(users: string[]): Promise<Map<string, NotificationRow>> {
  const { ids } = await acceptGroup(
    router,
    users.map((userId) => ({ userId })),
  );
  const rows = await eventually(async () => {
    const found = (await Promise.all(ids.map((id) => listEventNotifications(router.deps.db, id)))).flat();
    return found.length === users.length ? found : null;
  });
  expect(rows.every((n) => n.status === "QUEUED" && n.sendJob === rows[0]!.sendJob)).toBe(true);
  expect(rows[0]!.sendJob).toMatch(/^snd_/);
  return new Map(rows.map((n) => [n.userId, n]));
}

async function change(userId: string, patch: PreferencesPatch): Promise<void> {
  const recipient = await getRecipient(router.deps.db, userId);
  await updatePreferences(router.deps.db, recipient!.id, patch);
}

/** Waits until no row is QUEUED or FAILED awaiting a retry; returns status and reason by user. */
async function settled(rows: Map<string, NotificationRow>): Promise<Record<string, [string, string | null]>> {
  return eventually(async () => {
    const now = await router.db.sql<{ user_id: string; status: string; reason: string | null }[]>`
      select user_id, status, reason from notifications where id in ${router.db.sql([...rows.values()].map((n) => n.id))}`;
    if (now.some((n) => n.status === "QUEUED" || (n.status === "FAILED" && !n.reason))) return null;
    return Object.fromEntries(now.map((n) => [n.user_id, [n.status, n.reason] as [string, string | null]]));
  });
}

describe("send batches re-check each row", () => {
  it("sends (one by one, the dev outbox) only the rows whose recipients still want them", async () => {
    const rows = await batchOf(["rb-keep", "rb-category", "rb-type", "rb-all", "rb-oneclick", "rb-bounce"]);
    await change("rb-category", { categories: { transactional: { enabled: false } } });
    await change("rb-type", { types: { order_placed: { channels: { email: false } } } });
    await change("rb-all", { unsubscribedAll: true });
    // What the one-click unsubscribe's "all e-mails" button saves.
    await change("rb-oneclick", { channels: { email: false } });
    await suppressAddress(router.deps.db, {
      channel: "email",
      address: "rb-bounce@example.com",
      reason: "bounced",
    });
    startSending();

    expect(await settled(rows)).toEqual({
      "rb-keep": ["SENT", null],
      "rb-category": ["SUPPRESSED", "opted_out"],
      "rb-type": ["SUPPRESSED", "opted_out"],
      "rb-all": ["SUPPRESSED", "unsubscribed"],
      "rb-oneclick": ["SUPPRESSED", "opted_out"],
      "rb-bounce": ["SUPPRESSED", "bounced_address"],
    });
    const sent = await outboxFor(
      router,
      [...rows.values()].map((n) => n.id),
    );
    expect(sent.map((m) => m.notification_id)).toEqual([rows.get("rb-keep")!.id]);
    const batch = await router.deps.queues.get("email").getJob(rows.get("rb-keep")!.sendJob!);
    expect(batch?.returnvalue).toMatchObject({ sent: 1, suppressed: 5, failed: 0, retrying: 0, skipped: 0 });
    expect((await getTimeline(router.deps.db, rows.get("rb-bounce")!.id)).map((t) => t.status)).toEqual([
      "PENDING",
      "QUEUED",
      "SUPPRESSED",
    ]);
  });
});

describe("send batches handed to a provider in one request (sendMany)", () => {
  const calls: string[] = [];
  /** Records what reaches the provider; "rb-flaky" fails once, and unsubscribes meanwhile. */
  const email: ChannelSender = {
    channel: "email",
    providers: ["recording"],
    async send(ctx) {
      calls.push(ctx.notification.userId);
      return { provider: "recording", providerMessageId: `m-${ctx.notification.id}` };
    },
    async sendMany(ctxs: SendContext[]) {
      return Promise.all(
        ctxs.map(async (ctx) => {
          const user = ctx.notification.userId;
          calls.push(user);
          if (user === "rb-flaky" && calls.filter((u) => u === user).length === 1) {
            await change(user, { unsubscribedAll: true });
            return new DeliveryError("transient", "try later", { provider: "recording", code: "503" });
          }
          return { provider: "recording", providerMessageId: `m-${ctx.notification.id}` };
        }),
      );
    },
  };

  it("leaves the withdrawn rows out of the request, and a retry batch re-checks the rows handed to it", async () => {
    const rows = await batchOf(["rb-many-a", "rb-many-out", "rb-flaky", "rb-many-b"]);
    await change("rb-many-out", { categories: { transactional: { channels: { email: false } } } });
    startSending({ senders: { email } });

    expect(await settled(rows)).toEqual({
      "rb-many-a": ["SENT", null],
      "rb-many-out": ["SUPPRESSED", "opted_out"],
      "rb-flaky": ["SUPPRESSED", "unsubscribed"],
      "rb-many-b": ["SENT", null],
    });
    expect([...calls].sort()).toEqual(["rb-flaky", "rb-many-a", "rb-many-b"]);
    const flaky = rows.get("rb-flaky")!;
    expect((await getTimeline(router.deps.db, flaky.id)).map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["QUEUED", null],
      ["FAILED", expect.objectContaining({ attempt: 1 })],
      ["SUPPRESSED", { reason: "unsubscribed", stage: "send" }],
    ]);
    const queue = router.deps.queues.get("email");
    expect((await queue.getJob(flaky.sendJob!))?.returnvalue).toMatchObject({ sent: 2, suppressed: 1 });
    // The row names the retry batch it was handed to.
    const retryId = (await getNotification(router.deps.db, flaky.id))!.sendJob!;
    expect(retryId).toMatch(new RegExp(`^${flaky.sendJob}-a2-`));
    expect((await queue.getJob(retryId))?.returnvalue).toMatchObject({ sent: 0, suppressed: 1 });
  });
});
