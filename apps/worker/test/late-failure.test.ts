import { cancelEvent, getNotification, getTimeline, listEventNotifications, markSent } from "@herald/db";
import { type FakeTwilio, startFakeTwilio, type TwilioRequest } from "@herald/fakes";
import { readReliabilityCounters } from "@herald/jobs";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "@herald/testkit";
import type { Job } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { acceptGroup } from "./accept-group.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";
import { twilioWorkerEnv } from "./twilio-env.ts";

/**
 * A send attempt that fails after someone else recorded its notification:
 * Twilio's status callback recorded it SENT while the create call still
 * waited for its answer, which then timed out (or the event was canceled
 * meanwhile). The failure is only noted: no FAILED or DEAD over the row, no
 * retry, no dead letter, no ops alert, no dead-letter count. Driven through
 * the twilio SDK against a fake Twilio that holds its answers past the
 * worker's timeout; the callback's SENT record is `markSent`, the write the
 * API's callback handler makes.
 */

const TIMEOUT_MS = 400;
const GROUP_WAIT_MS = 50;
let twilio: FakeTwilio;
let receiver: WebhookReceiver;
let worker: TestWorker | undefined;

beforeAll(async () => {
  [twilio, receiver] = await Promise.all([startFakeTwilio(), startWebhookReceiver()]);
});
afterAll(async () => {
  await Promise.all([twilio.close(), receiver.close()]);
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  twilio.reset();
  receiver.received.length = 0;
});

/** A worker sending SMS through the fake Twilio (and handling dead letters), with `schedule`. */
async function start(schedule: string): Promise<TestWorker> {
  worker = await createTestWorker({
    ...twilioWorkerEnv(twilio),
    WORKER_CHANNELS: "events,sms,dead_letter",
    PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
    RETRY_SCHEDULE: schedule,
    OPS_ALERT_WEBHOOK_URL: receiver.url,
    OPS_ALERT_GROUP_WAIT_MS: String(GROUP_WAIT_MS),
    OPS_ALERT_INTERVAL_MS: "60000",
  });
  return worker;
}

const idOf = (req: TwilioRequest) => new URL(req.form.StatusCallback!).searchParams.get("notificationId")!;

/** What the API does with Twilio's first callback for a message no SENT record holds yet. */
async function recordSentByCallback(w: TestWorker, req: TwilioRequest): Promise<void> {
  const moved = await markSent(w.deps.db, [
    {
      id: idOf(req),
      provider: "twilio",
      providerMessageId: req.sid!,
      sentAt: new Date(),
      detail: {
        provider: "twilio",
        providerMessageId: req.sid,
        event: "sent",
        recordedBy: "status_callback",
      },
    },
  ]);
  expect(moved.has(idOf(req))).toBe(true);
}

/** Waits for the send job to complete (not fail) and returns it, its return value read with `finishedOn`. */
async function completed(w: TestWorker, id: string): Promise<Job> {
  return eventually(async () => {
    const job = await w.deps.queues.find("sms", id);
    return job?.finishedOn && (await job.getState()) === "completed" ? job : null;
  });
}

/** The late failure's only trace: a FAILED entry marked ignored, naming the status that won. */
async function expectNoted(w: TestWorker, id: string, current: string) {
  const timeline = await getTimeline(w.deps.db, id);
  const failed = timeline.filter((t) => t.status === "FAILED");
  expect(failed).toHaveLength(1);
  expect(failed[0]!.detail).toMatchObject({ ignored: true, lateFailure: true, current, provider: "twilio" });
}

/** Nothing dead-lettered: no dead-letter job, no count, and no alert once one would have gone out. */
async function expectNoDeadLetters(w: TestWorker) {
  await new Promise((r) => setTimeout(r, GROUP_WAIT_MS * 6));
  expect(await w.deps.queues.get("dead_letter").getJobCounts()).toMatchObject({
    waiting: 0,
    active: 0,
    completed: 0,
    delayed: 0,
    failed: 0,
  });
  const counters = await readReliabilityCounters(w.deps.redis, w.deps.env.queuePrefix);
  expect(counters.dead_letters_total ?? 0).toBe(0);
  expect(receiver.received).toEqual([]);
}

describe("a send that fails after its notification was recorded elsewhere", () => {
  it("last attempt, SENT by the callback meanwhile: the job completes, no DEAD, no dead letter, no alert", async () => {
    const w = await start("0");
    twilio.holdAnswers(TIMEOUT_MS * 5);
    const eventId = await w.trigger("order_placed", "late-last", { channels: ["sms"] });
    const [req] = await twilio.waitFor(1);
    await recordSentByCallback(w, req!);
    const job = await completed(w, idOf(req!));
    expect(job.returnvalue).toEqual({ status: "SKIPPED", current: "SENT", lateFailure: true });
    const [n] = await listEventNotifications(w.deps.db, eventId);
    expect(n).toMatchObject({ status: "SENT", providerMessageId: req!.sid, retryCount: 0, lastError: null });
    await expectNoted(w, n!.id, "SENT");
    await expectNoDeadLetters(w);
    expect(twilio.received).toHaveLength(1);
  });

  it("not the last attempt: no FAILED write, no retry, no second SMS", async () => {
    const w = await start("0,50ms,50ms");
    twilio.holdAnswers(TIMEOUT_MS * 5);
    const eventId = await w.trigger("order_placed", "late-early", { channels: ["sms"] });
    const [req] = await twilio.waitFor(1);
    await recordSentByCallback(w, req!);
    const job = await completed(w, idOf(req!));
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toMatchObject({ status: "SKIPPED", current: "SENT" });
    await new Promise((r) => setTimeout(r, 300));
    const [n] = await listEventNotifications(w.deps.db, eventId);
    expect(n).toMatchObject({ status: "SENT", retryCount: 0 });
    await expectNoted(w, n!.id, "SENT");
    expect(twilio.received).toHaveLength(1);
  });

  it("last attempt, event canceled meanwhile: the row stays CANCELED, nothing dead-lettered", async () => {
    const w = await start("0");
    twilio.holdAnswers(TIMEOUT_MS * 5);
    const eventId = await w.trigger("order_placed", "late-cancel", { channels: ["sms"] });
    const [req] = await twilio.waitFor(1);
    expect((await cancelEvent(w.deps.db, eventId, { by: "test" }))?.canceled).toHaveLength(1);
    const job = await completed(w, idOf(req!));
    expect(job.returnvalue).toEqual({ status: "SKIPPED", current: "CANCELED", lateFailure: true });
    expect((await getNotification(w.deps.db, idOf(req!)))?.status).toBe("CANCELED");
    await expectNoted(w, idOf(req!), "CANCELED");
    await expectNoDeadLetters(w);
  });

  it("a send batch's last attempt: the row SENT meanwhile is left alone, the other one is dead-lettered and alerted", async () => {
    const w = await start("0");
    twilio.holdAnswers(TIMEOUT_MS * 5);
    await acceptGroup(
      w,
      [
        { userId: "batch-sent", phone: "+14155550301" },
        { userId: "batch-dead", phone: "+14155550302" },
      ],
      { channels: ["sms"] },
    );
    const reqs = await twilio.waitFor(2);
    const sent = reqs.find((r) => r.form.To === "+14155550301")!;
    const dead = reqs.find((r) => r.form.To === "+14155550302")!;
    await recordSentByCallback(w, sent);
    await eventually(async () => (await getNotification(w.deps.db, idOf(dead)))?.status === "DEAD");
    await eventually(() => receiver.received.length === 1);
    expect(receiver.received[0]!.body).toMatchObject({ count: 1, samples: [{ notificationId: idOf(dead) }] });
    const letters = await w.deps.queues.get("dead_letter").getJobs(["completed", "waiting", "active"]);
    expect(letters.filter((j) => j.name === "dead").map((j) => j.data.notificationId)).toEqual([idOf(dead)]);
    expect((await getNotification(w.deps.db, idOf(sent)))?.status).toBe("SENT");
    await expectNoted(w, idOf(sent), "SENT");
    const counters = await readReliabilityCounters(w.deps.redis, w.deps.env.queuePrefix);
    expect(counters.dead_letters_total).toBe(1);
  });

  it("a send batch's first attempt: only the row still unsent goes to the retry batch", async () => {
    const w = await start("0,200ms,200ms");
    twilio.holdAnswers(TIMEOUT_MS * 5);
    await acceptGroup(
      w,
      [
        { userId: "early-sent", phone: "+14155550311" },
        { userId: "early-retry", phone: "+14155550312" },
      ],
      { channels: ["sms"] },
    );
    const reqs = await twilio.waitFor(2);
    const sent = reqs.find((r) => r.form.To === "+14155550311")!;
    const retried = reqs.find((r) => r.form.To === "+14155550312")!;
    await recordSentByCallback(w, sent);
    // The retry is answered at once.
    twilio.holdAnswers(0);
    const row = await eventually(async () => {
      const n = await getNotification(w.deps.db, idOf(retried));
      return n?.status === "SENT" ? n : null;
    });
    expect(row.retryCount).toBe(1);
    const retryBatch = await w.deps.queues.find("sms", row.sendJob!);
    expect(retryBatch?.data).toEqual({ notificationIds: [idOf(retried)], priorAttempts: 1 });
    expect(await getNotification(w.deps.db, idOf(sent))).toMatchObject({ status: "SENT", retryCount: 0 });
    await expectNoted(w, idOf(sent), "SENT");
    expect(twilio.received.filter((r) => r.form.To === "+14155550311")).toHaveLength(1);
  });

  it("a retry batch's last attempt: the row SENT meanwhile is left alone, the other one is dead-lettered", async () => {
    const w = await start("0,100ms");
    // The first attempt fails for both; the retry batch's calls then hang past the timeout.
    twilio.failWith({ status: 503, times: 2 });
    twilio.holdAnswers(TIMEOUT_MS * 5);
    await acceptGroup(
      w,
      [
        { userId: "retry-sent", phone: "+14155550321" },
        { userId: "retry-dead", phone: "+14155550322" },
      ],
      { channels: ["sms"] },
    );
    // ~1 s alone; a clean-clone CI run (2026-12-07 14:30, the two cores saturated) saw only the first
    // attempt's two within the default 10 s.
    const reqs = (await twilio.waitFor(4, 40_000)).filter((r) => r.status === 201);
    const sent = reqs.find((r) => r.form.To === "+14155550321")!;
    const dead = reqs.find((r) => r.form.To === "+14155550322")!;
    await recordSentByCallback(w, sent);
    await eventually(async () => (await getNotification(w.deps.db, idOf(dead)))?.status === "DEAD");
    await eventually(() => receiver.received.length === 1);
    expect(receiver.received[0]!.body).toMatchObject({ count: 1, samples: [{ notificationId: idOf(dead) }] });
    const n = await getNotification(w.deps.db, idOf(sent));
    expect(n).toMatchObject({ status: "SENT", retryCount: 1 });
    const timeline = await getTimeline(w.deps.db, idOf(sent));
    expect(timeline.map((t) => [t.status, (t.detail as { ignored?: boolean } | null)?.ignored])).toEqual([
      ["PENDING", undefined],
      ["QUEUED", undefined],
      ["FAILED", undefined],
      ["SENT", undefined],
      ["FAILED", true],
    ]);
  }, 90_000);

  it("a dead letter whose row was recorded SENT before the job ran is dropped without an alert", async () => {
    const w = await start("0");
    const eventId = await w.trigger("order_placed", "dropped", { channels: ["sms"] });
    const n = await eventually(async () => {
      const [row] = await listEventNotifications(w.deps.db, eventId);
      return row?.status === "SENT" ? row : null;
    });
    // What a final failure that lost the race to the callback (between its look and its DEAD write) leaves.
    await w.deps.queues.add(
      "dead_letter",
      "dead",
      { notificationId: n.id, channel: "sms", error: "twilio: timeout", attempts: 1 },
      { jobId: `dead-${n.id}-1` },
    );
    await eventually(
      async () => (await w.deps.queues.get("dead_letter").getJobState(`dead-${n.id}-1`)) === "completed",
    );
    await new Promise((r) => setTimeout(r, GROUP_WAIT_MS * 6));
    const counters = await readReliabilityCounters(w.deps.redis, w.deps.env.queuePrefix);
    expect(counters.dead_letters_total ?? 0).toBe(0);
    expect(receiver.received).toEqual([]);
  });
});
