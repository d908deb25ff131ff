import { getNotification, getTimeline, listEventNotifications, type NotificationRow } from "@herald/db";
import { eventually, startCommandFeed, testRedisUrl } from "@herald/testkit";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sendBatch } from "../src/channels/send-batch.ts";
import { sendNotification } from "../src/channels/send-notification.ts";
import { inFlightKey, inFlightRequests } from "../src/reliability/in-flight-requests.ts";
import { reconcile } from "../src/reliability/reconcile.ts";
import { acceptGroup } from "./accept-group.ts";
import { useEmailFakes } from "./email-fakes.ts";
import type { TestWorker } from "./test-worker.ts";

/**
 * Send jobs run as the worker that takes a job over after a crash runs them
 * (`stalledCounter` > 0), on the real Resend and SMTP fakes, PostgreSQL and
 * Redis. The worker here only routes (`WORKER_CHANNELS=events`): the test
 * runs each e-mail job itself, attempt by attempt. The crash itself, a real
 * process killed mid-send, is in faults/email-crash-failover.test.ts.
 */
const fakes = useEmailFakes({ env: { WORKER_CHANNELS: "events" } });

const emailOf = (w: TestWorker, eventId: string) =>
  eventually(async () =>
    (await listEventNotifications(w.deps.db, eventId)).find((n) => n.channel === "email"),
  );

/** An attempt of the `send` job of `n`: `stalledCounter` 1 when its run before was cut off. */
const attempt = (w: TestWorker, n: NotificationRow, attemptsMade: number, stalledCounter: number) =>
  sendNotification(w.deps, "email", {
    id: n.id,
    data: { notificationId: n.id },
    attemptsMade,
    stalledCounter,
    opts: { attempts: 4 },
  } as unknown as Job).catch((err: unknown) => err as Error);

const notesOf = (w: TestWorker, jobId: string) =>
  inFlightRequests(w.deps.redis, w.deps.env.queuePrefix).read(jobId);
const noteExists = (w: TestWorker, jobId: string) =>
  w.deps.redis.exists(inFlightKey(w.deps.env.queuePrefix, jobId));

describe("a send job taken over from a worker that died", () => {
  it("with a Resend request noted in flight: the row keeps Resend, and no attempt fails over to SMTP", async () => {
    const w = await fakes.start();
    const n = await emailOf(w, await w.trigger("order_placed", "to-1", { channels: ["email"] }));
    // What the dead run left: its request to Resend, noted before it left.
    await inFlightRequests(w.deps.redis, w.deps.env.queuePrefix).log(n.id).mark([n.id], "resend");
    fakes.resend.failWith({ status: 503, times: 1 });

    const failed = await attempt(w, n, 0, 1);
    expect(failed).toMatchObject({ provider: "resend", ambiguous: true });
    const row = await getNotification(w.deps.db, n.id);
    expect([row?.status, row?.ambiguousProvider, row?.ambiguousBatchKey]).toEqual(["FAILED", "resend", null]);
    expect(fakes.smtp.received).toHaveLength(0);
    expect(await noteExists(w, n.id)).toBe(0);

    expect(await attempt(w, n, 1, 1)).toEqual({ status: "SENT", provider: "resend" });
    expect(fakes.smtp.received).toHaveLength(0);
    expect(fakes.resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [503, n.id],
      [200, n.id],
    ]);
    const sent = (await getTimeline(w.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ provider: "resend", pinned: true });
    expect(await noteExists(w, n.id)).toBe(0);
  });

  it("with nothing noted (no request was in flight, or it was answered): this and every later attempt fail over as usual", async () => {
    const w = await fakes.start();
    const n = await emailOf(w, await w.trigger("order_placed", "to-2", { channels: ["email"] }));
    fakes.resend.failWith({ status: 503, times: 2 });
    fakes.smtp.failWith({ status: 451, times: 1 });

    const failed = await attempt(w, n, 0, 1);
    expect(failed).toMatchObject({ provider: "smtp", ambiguous: false });
    expect((await getNotification(w.deps.db, n.id))?.ambiguousProvider).toBeNull();

    // `stalledCounter` stays 1 on every later attempt of the job: it alone pins nothing.
    expect(await attempt(w, n, 1, 1)).toEqual({ status: "SENT", provider: "smtp" });
    expect(fakes.resend.received.map((r) => r.status)).toEqual([503, 503]);
    expect(fakes.smtp.received).toHaveLength(1);
    expect(await noteExists(w, n.id)).toBe(0);
  });

  it("not taken over: Resend refusing for now still fails over to SMTP, and the request's note is gone after", async () => {
    const w = await fakes.start();
    const n = await emailOf(w, await w.trigger("order_placed", "to-3", { channels: ["email"] }));
    fakes.resend.failWith({ status: 503, times: 1 });
    expect(await attempt(w, n, 0, 0)).toEqual({ status: "SENT", provider: "smtp" });
    expect(fakes.smtp.received).toHaveLength(1);
    expect(await noteExists(w, n.id)).toBe(0);
  });
});

/** The commands Redis ran on `w`'s in-flight notes while `run` ran, as the server saw them (MONITOR). */
async function noteCommands(w: TestWorker, run: () => Promise<unknown>): Promise<string[]> {
  const tag = `${w.deps.env.queuePrefix}:{in-flight:`;
  const monitor = await startCommandFeed(testRedisUrl());
  const seen: string[][] = [];
  // A script's own commands are shown too (source "lua"): only the worker's are counted.
  monitor.onCommand(({ args, source }) => {
    if (source !== "lua") seen.push(args);
  });
  try {
    await run();
    const fence = `${tag}fence}`;
    await w.deps.redis.get(fence);
    await eventually(() => seen.some((c) => c.includes(fence)));
    return seen
      .filter((c) => !c.includes(fence) && c.some((a) => a.startsWith(tag)))
      .map((c) => c[0]!.toLowerCase());
  } finally {
    monitor.close();
  }
}

describe("what the notes cost in Redis", () => {
  it("with failover: one script call before each provider request and one HDEL after the job, a batch of e-mails being one request", async () => {
    const w = await fakes.start();
    // Loads the script once (EVALSHA answered NOSCRIPT, then EVAL), as a process's first note does.
    const warm = await emailOf(w, await w.trigger("order_placed", "cost-0", { channels: ["email"] }));
    await attempt(w, warm, 0, 0);

    const n = await emailOf(w, await w.trigger("order_placed", "cost-1", { channels: ["email"] }));
    expect(await noteCommands(w, () => attempt(w, n, 0, 0))).toEqual(["evalsha", "hdel"]);

    const { ids: eventIds } = await acceptGroup(w, [{ userId: "cost-2" }, { userId: "cost-3" }]);
    const rows = await Promise.all(eventIds.map((id) => emailOf(w, id)));
    const batch = {
      id: rows[0]!.sendJob!,
      data: { notificationIds: rows.map((r) => r.id) },
      stalledCounter: 0,
    } as unknown as Job;
    expect(await noteCommands(w, () => sendBatch(w.deps, "email", batch))).toEqual(["evalsha", "hdel"]);
    // Taken over: one HGETALL more, finding nothing.
    const m = await emailOf(w, await w.trigger("order_placed", "cost-4", { channels: ["email"] }));
    expect(await noteCommands(w, () => attempt(w, m, 0, 1))).toEqual(["hgetall", "evalsha", "hdel"]);
    expect(fakes.resend.accepted()).toHaveLength(5);
  });

  it("put back for a PostgreSQL outage: the next run reads the notes (one HGETALL), a run after a failed attempt does not", async () => {
    const w = await fakes.start();
    const n = await emailOf(w, await w.trigger("order_placed", "cost-5", { channels: ["email"] }));
    const run = (attemptsMade: number) =>
      sendNotification(w.deps, "email", {
        id: n.id,
        data: { notificationId: n.id, putBackAt: 0 },
        attemptsMade,
        stalledCounter: 0,
        opts: { attempts: 4 },
      } as unknown as Job);
    // What the put-back run left: Resend's answer came, its SENT write did not land.
    await inFlightRequests(w.deps.redis, w.deps.env.queuePrefix).log(n.id).mark([n.id], "resend");
    fakes.resend.failWith({ status: 503, times: 1 });
    let failed: unknown;
    // The notes read and forgotten (they are on the row now); the pinned request is not noted.
    expect(
      await noteCommands(w, async () => {
        failed = await run(0).catch((err: Error) => err);
      }),
    ).toEqual(["hgetall", "hdel"]);
    expect(failed).toMatchObject({ provider: "resend" });
    expect((await getNotification(w.deps.db, n.id))?.ambiguousProvider).toBe("resend");
    expect(fakes.smtp.received).toHaveLength(0);

    expect(await noteCommands(w, () => run(1))).toEqual([]);
    expect((await getNotification(w.deps.db, n.id))?.status).toBe("SENT");
    expect(fakes.smtp.received).toHaveLength(0);
  });

  it("with one provider: none, taken over or not", async () => {
    const w = await fakes.start({ EMAIL_PROVIDERS: "resend" });
    expect(w.deps.senders.email.notesInFlight).toBeUndefined();
    const n = await emailOf(w, await w.trigger("order_placed", "alone-1", { channels: ["email"] }));
    expect(await noteCommands(w, () => attempt(w, n, 0, 1))).toEqual([]);
    expect((await getNotification(w.deps.db, n.id))?.status).toBe("SENT");
  });
});

describe("a send batch taken over from a worker that died in its Resend batch request", () => {
  it("pins the request's rows under its key, whose retry batches go to Resend alone", async () => {
    const w = await fakes.start();
    const { ids: eventIds } = await acceptGroup(w, [
      { userId: "tb-1" },
      { userId: "tb-2" },
      { userId: "tb-3" },
    ]);
    const rows = await Promise.all(eventIds.map((id) => emailOf(w, id)));
    const batchId = rows[0]!.sendJob!;
    const ids = rows.map((n) => n.id);
    await inFlightRequests(w.deps.redis, w.deps.env.queuePrefix)
      .log(batchId)
      .mark(ids, "resend", "batch-cut");
    fakes.resend.failWith({ status: 503, times: 1 });

    const run = (id: string, notificationIds: string[], priorAttempts?: number, stalledCounter = 0) =>
      sendBatch(w.deps, "email", {
        id,
        data: { notificationIds, ...(priorAttempts ? { priorAttempts } : {}) },
        stalledCounter,
      } as unknown as Job);
    expect(await run(batchId, ids, undefined, 1)).toMatchObject({ sent: 0, retrying: 3 });
    const failed = await Promise.all(ids.map((id) => getNotification(w.deps.db, id)));
    expect(failed.map((n) => [n?.status, n?.ambiguousProvider, n?.ambiguousBatchKey])).toEqual(
      ids.map(() => ["FAILED", "resend", "batch-cut"]),
    );
    expect(fakes.smtp.received).toHaveLength(0);
    expect(await notesOf(w, batchId)).toEqual(new Map());

    const retry = failed[0]!.sendJob!;
    expect(await run(retry, ids, 1)).toMatchObject({ sent: 3 });
    expect(fakes.smtp.received).toHaveLength(0);
    expect(fakes.resend.accepted()).toHaveLength(3);
    expect(new Set(fakes.resend.received.map((r) => r.idempotencyKey))).toEqual(new Set(["batch-cut"]));
    for (const id of ids) {
      const sent = (await getTimeline(w.deps.db, id)).find((t) => t.status === "SENT");
      expect(sent?.detail).toMatchObject({ provider: "resend", pinned: true });
    }
    expect(await noteExists(w, retry)).toBe(0);
  });
});

describe("a send batch BullMQ failed after it stalled past maxStalledCount", () => {
  it("its rows, given jobs of their own by the reconciler, stay with the provider its dead runs noted", async () => {
    const w = await fakes.start();
    const { ids: eventIds } = await acceptGroup(w, [{ userId: "so-1" }, { userId: "so-2" }]);
    const rows = await Promise.all(eventIds.map((id) => emailOf(w, id)));
    const batchId = rows[0]!.sendJob!;
    const ids = rows.map((n) => n.id);
    await inFlightRequests(w.deps.redis, w.deps.env.queuePrefix)
      .log(batchId)
      .mark(ids, "resend", "batch-lost");
    // What BullMQ does to a job whose worker died once too often: it fails it whatever attempts are left.
    const taker = new Worker(w.deps.queues.get("email").name, null, {
      connection: w.deps.redis,
      prefix: w.deps.env.queuePrefix,
    });
    try {
      const job = await taker.getNextJob("dead-worker");
      expect(job?.id).toBe(batchId);
      await job!.moveToFailed(new UnrecoverableError("job stalled more than allowable limit"), "dead-worker");
    } finally {
      await taker.close();
    }
    // Older than RECONCILE_AFTER_MS (5 min): the reconciler's to look after.
    await w.deps.db.execute(
      sql`update notifications set updated_at = now() - interval '10 minutes' where id in ${ids}`,
    );

    expect((await reconcile(w.deps)).requeuedNotifications).toBe(2);
    const pinned = await Promise.all(ids.map((id) => getNotification(w.deps.db, id)));
    expect(pinned.map((n) => [n?.status, n?.ambiguousProvider, n?.ambiguousBatchKey])).toEqual(
      ids.map(() => ["QUEUED", "resend", "batch-lost"]),
    );
    expect(await noteExists(w, batchId)).toBe(0);

    // The row's own job, a fresh one (not taken over), with Resend refusing for now: no failover to SMTP.
    fakes.resend.failWith({ status: 503, times: 1 });
    const n = pinned[0]!;
    expect(await attempt(w, n, 0, 0)).toMatchObject({ provider: "resend", ambiguous: true });
    expect(await attempt(w, n, 1, 0)).toEqual({ status: "SENT", provider: "resend" });
    expect(fakes.smtp.received).toHaveLength(0);
    expect(fakes.resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [503, "batch-lost"],
      [200, "batch-lost"],
    ]);
  });
});
