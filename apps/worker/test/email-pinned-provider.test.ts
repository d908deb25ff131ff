import {
  getNotification,
  getTimeline,
  listEventNotifications,
  type NotificationRow,
  transition,
} from "@herald/db";
import { type FakeResend, type FakeSmtp, startFakeResend, startFakeSmtp } from "@herald/fakes";
import { type DatabaseRelay, eventually, startDatabaseRelay, testRedisUrl } from "@herald/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWorkerDeps } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { startWorkers } from "../src/start-workers.ts";
import { acceptGroup } from "./accept-group.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let resend: FakeResend;
let smtp: FakeSmtp;
/** A TCP relay in front of the fake Resend: `cut()` makes Resend refuse connections (provably never sent). */
let relay: DatabaseRelay;
let worker: TestWorker | undefined;

beforeAll(async () => {
  resend = await startFakeResend({ apiKey: "re_test_key" });
  smtp = await startFakeSmtp();
  relay = await startDatabaseRelay(resend.url);
});
afterAll(async () => {
  await relay.close();
  await resend.close();
  await smtp.close();
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await relay.restore();
  resend.reset();
  smtp.reset();
});

const env = (extra: Record<string, string> = {}) => ({
  EMAIL_PROVIDERS: "resend,smtp",
  RESEND_API_KEY: "re_test_key",
  RESEND_BASE_URL: relay.url.replace(/\/$/, ""),
  SMTP_URL: smtp.smtpUrl,
  EMAIL_FROM: "Herald <notifications@herald.test>",
  WORKER_CHANNELS: "events,email",
  PROVIDER_TIMEOUT_MS: "300",
  // Time between attempts to cut or restore Resend, or cancel a row, in between.
  EMAIL_RETRY_SCHEDULE: "0,1500ms,1s,1s",
  ...extra,
});

/** `w`'s worker process stopped, and another started on the same database and queues (a restart). */
async function restart(w: TestWorker, settings: Record<string, string>): Promise<TestWorker> {
  await w.running.close();
  await w.deps.close();
  const deps = createWorkerDeps(
    loadWorkerEnv({
      DATABASE_URL: w.db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: w.deps.env.queuePrefix,
      NODE_ENV: "test",
      ...settings,
    }),
  );
  const running = startWorkers(deps);
  return {
    ...w,
    deps,
    running,
    async close() {
      await running.close();
      await deps.close();
      await w.db.drop();
    },
  };
}

const emailOf = async (w: TestWorker, eventId: string) =>
  (await listEventNotifications(w.deps.db, eventId)).find((n) => n.channel === "email");

/** The e-mail rows of `eventIds` once each satisfies `ok`. */
const rowsWhen = (
  w: TestWorker,
  eventIds: string[],
  ok: (n: NotificationRow) => boolean,
  timeoutMs = 15_000,
) =>
  eventually(async () => {
    const rows = await Promise.all(eventIds.map((id) => emailOf(w, id)));
    return rows.every((n) => n && ok(n)) ? (rows as NotificationRow[]) : null;
  }, timeoutMs);

const failedEntries = async (w: TestWorker, id: string) =>
  (await getTimeline(w.deps.db, id)).filter((t) => t.status === "FAILED");

/** Waits until each row has `count` FAILED entries in its timeline. */
const failedTimes = (w: TestWorker, ids: string[], count: number) =>
  eventually(async () => {
    const counts = await Promise.all(ids.map(async (id) => (await failedEntries(w, id)).length));
    return counts.every((c) => c >= count);
  }, 15_000);

describe("an e-mail Resend may have taken stays with Resend on later attempts", () => {
  it("across a worker restart: Resend refusing connections on the next attempt does not send it through SMTP", async () => {
    resend.spoilAnswers({ delayMs: 1500, times: 2 });
    worker = await createTestWorker(env());
    const eventId = await worker.trigger("order_placed", "pin-one", { channels: ["email"] });
    const [failed] = await rowsWhen(worker, [eventId], (n) => n.status === "FAILED");
    expect([failed!.ambiguousProvider, failed!.ambiguousBatchKey]).toEqual(["resend", null]);

    // Resend now refuses connections (the next attempt provably never reaches it), and the worker restarts.
    await relay.cut();
    worker = await restart(worker, env());
    await failedTimes(worker, [failed!.id], 2);
    expect(smtp.received).toHaveLength(0);
    await relay.restore();

    const [n] = await rowsWhen(worker, [eventId], (x) => x.status === "SENT");
    const accepted = resend.accepted();
    expect(accepted).toHaveLength(1);
    expect([n!.provider, n!.providerMessageId, n!.retryCount]).toEqual(["resend", accepted[0]!.id, 2]);
    expect(smtp.received).toHaveLength(0);
    const timeline = await getTimeline(worker.deps.db, n!.id);
    expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "FAILED", "FAILED", "SENT"]);
    // The refused attempt is still ambiguous: it says nothing about the first request.
    expect(timeline[3]!.detail).toMatchObject({ provider: "resend", code: "network", ambiguous: true });
    expect(timeline[4]!.detail).toMatchObject({ provider: "resend", pinned: true });
  });

  it("a send batch's Resend request: its retry batches go to Resend alone, under the request's key", async () => {
    resend.spoilAnswers({ delayMs: 1500, times: 2 });
    worker = await createTestWorker(env());
    const { ids } = await acceptGroup(worker, [{ userId: "pb-1" }, { userId: "pb-2" }, { userId: "pb-3" }]);
    const failed = await rowsWhen(worker, ids, (n) => n.status === "FAILED");
    const key = resend.received[0]!.idempotencyKey;
    expect(failed.map((n) => [n.ambiguousProvider, n.ambiguousBatchKey])).toEqual(
      failed.map(() => ["resend", key]),
    );

    await relay.cut();
    await failedTimes(
      worker,
      failed.map((n) => n.id),
      2,
    );
    expect(smtp.received).toHaveLength(0);
    await relay.restore();

    const rows = await rowsWhen(worker, ids, (n) => n.status === "SENT");
    const accepted = resend.accepted();
    expect(accepted).toHaveLength(3);
    expect(smtp.received).toHaveLength(0);
    expect(new Set(resend.received.map((r) => r.idempotencyKey))).toEqual(new Set([key]));
    for (const n of rows) {
      const mine = accepted.find((r) => r.body.tags?.some((t) => t.value === n.id));
      expect([n.provider, n.providerMessageId]).toEqual(["resend", mine!.id]);
    }
  });

  it("an operator's retry of one dead e-mail of such a batch gets its id from Resend's replay, sending nothing", async () => {
    resend.spoilAnswers({ delayMs: 1500, times: 2 });
    worker = await createTestWorker(env({ EMAIL_RETRY_SCHEDULE: "0" }));
    const { ids } = await acceptGroup(worker, [{ userId: "pd-1" }, { userId: "pd-2" }, { userId: "pd-3" }]);
    const dead = await rowsWhen(worker, ids, (n) => n.status === "DEAD");
    expect(new Set(dead.map((n) => n.ambiguousBatchKey)).size).toBe(1);

    // As POST /v1/dead-letters/:id/retry: back to QUEUED, and a send job of its own.
    const one = dead[1]!;
    await transition(worker.deps.db, one.id, "QUEUED", { from: ["DEAD"], detail: { action: "retry" } });
    await worker.deps.queues.add("email", "send", { notificationId: one.id }, { jobId: one.id });
    const sent = await eventually(async () => {
      const n = await getNotification(worker!.deps.db, one.id);
      return n?.status === "SENT" ? n : null;
    });

    const accepted = resend.accepted();
    expect(accepted).toHaveLength(3);
    const mine = accepted.find((r) => r.body.tags?.some((t) => t.value === one.id));
    expect([sent.provider, sent.providerMessageId]).toEqual(["resend", mine!.id]);
    expect(smtp.received).toHaveLength(0);
  });
});

describe("a retried ambiguous batch request that lost a row (canceled) before its retry", () => {
  it("Resend had taken it: the retry gets Resend's replay of the original request, and sends nothing again", async () => {
    resend.spoilAnswers({ delayMs: 1500, times: 2 });
    worker = await createTestWorker(env());
    const { ids } = await acceptGroup(worker, [{ userId: "pc-1" }, { userId: "pc-2" }, { userId: "pc-3" }]);
    const failed = await rowsWhen(worker, ids, (n) => n.status === "FAILED");
    const gone = failed[0]!;
    expect(await transition(worker.deps.db, gone.id, "CANCELED", { detail: { by: "api" } })).toBe(true);

    const rest = ids.filter((id) => id !== gone.eventId);
    const rows = await rowsWhen(worker, rest, (n) => n.status === "SENT");
    const accepted = resend.accepted();
    expect(accepted).toHaveLength(3);
    for (const n of rows) {
      const mine = accepted.find((r) => r.body.tags?.some((t) => t.value === n.id));
      expect([n.provider, n.providerMessageId]).toEqual(["resend", mine!.id]);
    }
    expect((await getNotification(worker.deps.db, gone.id))?.status).toBe("CANCELED");
    expect(smtp.received).toHaveLength(0);
    // The retry's two e-mails under the request's key were refused as another payload, then the original replayed.
    expect(resend.received.filter((r) => r.status === 409)).toHaveLength(1);
    expect(new Set(resend.received.map((r) => r.idempotencyKey)).size).toBe(1);
  });

  it("Resend never had it (a 500 before it took it): the retry sends the two e-mails still wanted, not the canceled one", async () => {
    resend.failWith({ status: 500, times: 2 });
    worker = await createTestWorker(env());
    const { ids } = await acceptGroup(worker, [{ userId: "pn-1" }, { userId: "pn-2" }, { userId: "pn-3" }]);
    const failed = await rowsWhen(worker, ids, (n) => n.status === "FAILED");
    expect(failed.every((n) => n.ambiguousProvider === "resend")).toBe(true);
    const gone = failed[2]!;
    await transition(worker.deps.db, gone.id, "CANCELED", { detail: { by: "api" } });

    const rows = await rowsWhen(
      worker,
      ids.filter((id) => id !== gone.eventId),
      (n) => n.status === "SENT",
    );
    const accepted = resend.accepted();
    expect(accepted.map((r) => r.body.tags?.find((t) => t.name === "notification_id")?.value).sort()).toEqual(
      rows.map((n) => n.id).sort(),
    );
    expect(smtp.received).toHaveLength(0);
  });
});
