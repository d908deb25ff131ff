import { getTimeline } from "@herald/db";
import { type FakeResend, type FakeTwilio, startFakeResend, startFakeTwilio } from "@herald/fakes";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { acceptGroup } from "./accept-group.ts";
import { startAnotherProcess } from "./another-process.ts";
import { allSent, expectNoAttemptUsed } from "./sent-checks.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";
import { twilioWorkerEnv } from "./twilio-env.ts";

/**
 * A provider's 429 pauses its channel in every worker process, and the sends
 * it refused go out after the pause without using an attempt. Each case runs
 * with a retry schedule whose last attempt a counted 429 would use up: such
 * a send would end DEAD.
 */

let resend: FakeResend;
let twilio: FakeTwilio;
const closing: (() => Promise<void>)[] = [];

beforeAll(async () => {
  resend = await startFakeResend({ apiKey: "re_test_key" });
  twilio = await startFakeTwilio();
});
afterAll(async () => {
  await resend.close();
  await twilio.close();
});
afterEach(async () => {
  // The other processes first: the first one drops the database.
  for (const close of closing.splice(0).reverse()) await close();
  resend.reset();
  twilio.reset();
});

const emailEnv = (env: Record<string, string> = {}) => ({
  EMAIL_PROVIDERS: "resend",
  RESEND_API_KEY: "re_test_key",
  RESEND_BASE_URL: resend.url,
  EMAIL_FROM: "Herald <notifications@herald.test>",
  WORKER_CHANNELS: "events,email",
  // One attempt: a 429 counted as a failed attempt would dead-letter at once.
  EMAIL_RETRY_SCHEDULE: "0",
  EMAIL_CONCURRENCY: "4",
  ...env,
});

async function firstProcess(env: Record<string, string>): Promise<TestWorker> {
  const w = await createTestWorker(env);
  closing.push(() => w.close());
  return w;
}

function anotherProcess(first: TestWorker, env: Record<string, string>): void {
  closing.push(startAnotherProcess(first, env));
}

/** When the fake had answered `count` requests. */
const answered = (fake: FakeResend | FakeTwilio, count: number) =>
  fake.waitFor(count, 20_000).then(() => Date.now());

describe("a provider's 429 pauses its channel", () => {
  it("in every worker process: nothing is sent to the provider until Retry-After has passed, and no attempt is used", async () => {
    resend.failWith({ status: 429, retryAfter: 1, times: 1 });
    const w = await firstProcess(emailEnv());
    anotherProcess(w, emailEnv());
    const throttledAt = answered(resend, 1);
    const first = await w.trigger("order_placed", "first", { channels: ["email"] });
    const t1 = await throttledAt;

    // Sends that come while the channel is paused, for either process to take.
    const nextAt = answered(resend, 2);
    const later: string[] = [];
    for (let i = 0; i < 6; i++)
      later.push(await w.trigger("order_placed", `later-${i}`, { channels: ["email"] }));
    expect((await nextAt) - t1).toBeGreaterThanOrEqual(900);

    const rows = await allSent(w, [first, ...later]);
    await expectNoAttemptUsed(w, rows);
    expect(resend.received.map((r) => r.status)).toEqual([429, ...rows.map(() => 200)]);
  });

  it("for as long as the provider goes on refusing (a quota): the sends wait instead of dying", async () => {
    resend.failWith({ status: 429, retryAfter: 1, times: 4 });
    const w = await firstProcess(emailEnv());
    anotherProcess(w, emailEnv());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await w.trigger("order_placed", `quota-${i}`, { channels: ["email"] }));
    const rows = await allSent(w, ids);
    await expectNoAttemptUsed(w, rows);
    const statuses = resend.received.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
  });

  it("in both lanes: a critical send served by a process of its own waits for the pause too", async () => {
    resend.failWith({ status: 429, retryAfter: 1, times: 1 });
    const w = await firstProcess(emailEnv({ WORKER_LANES: "normal", CRITICAL_LANE_FALLBACK_MS: "0" }));
    anotherProcess(w, emailEnv({ WORKER_LANES: "critical" }));
    const throttledAt = answered(resend, 1);
    const normal = await w.trigger("order_placed", "bulk", { channels: ["email"] });
    const t1 = await throttledAt;

    const nextAt = answered(resend, 2);
    const reset = await w.trigger("password_reset", "alice", { channels: ["email"] });
    expect((await nextAt) - t1).toBeGreaterThanOrEqual(900);
    const rows = await allSent(w, [normal, reset]);
    expect(rows.find((n) => n.eventId === reset)?.priority).toBe("critical");
    await expectNoAttemptUsed(w, rows);
  });

  it("for send batches: a batch refused with 429 runs again after the pause at the same attempt, and batches queued meanwhile wait", async () => {
    resend.failWith({ status: 429, retryAfter: 1, times: 1 });
    const w = await firstProcess(emailEnv());
    anotherProcess(w, emailEnv());
    const throttledAt = answered(resend, 1);
    const first = await acceptGroup(
      w,
      ["b-1", "b-2", "b-3"].map((userId) => ({ userId })),
    );
    const t1 = await throttledAt;

    const nextAt = answered(resend, 2);
    const second = await acceptGroup(
      w,
      ["c-1", "c-2"].map((userId) => ({ userId })),
    );
    expect((await nextAt) - t1).toBeGreaterThanOrEqual(900);

    const rows = await allSent(w, [...first.ids, ...second.ids]);
    await expectNoAttemptUsed(w, rows);
    // Still the batches the router made: no retry batch (`-a2-…`) was needed.
    expect(new Set(rows.map((n) => n.sendJob)).size).toBe(2);
    for (const n of rows) expect(n.sendJob).toMatch(/^snd_[^-]+$/);
    expect(resend.received.filter((r) => r.status === 429)).toHaveLength(1);
    expect(resend.received.filter((r) => r.status === 200 && r.batch)).toHaveLength(5);
  });

  it("for retry batches: their rows keep the attempt they were on, and the last attempt does not dead-letter", async () => {
    resend.failWith({ status: 503, times: 1 });
    resend.failWith({ status: 429, retryAfter: 1, times: 1 });
    // Two attempts: the retry batch makes the last one.
    const w = await firstProcess(emailEnv({ EMAIL_RETRY_SCHEDULE: "0,30ms" }));
    const throttledAt = answered(resend, 2);
    const resentAt = answered(resend, 3);
    const group = await acceptGroup(
      w,
      ["r-1", "r-2"].map((userId) => ({ userId })),
    );
    const rows = await allSent(w, group.ids);
    expect(resend.received.map((r) => r.status)).toEqual([503, 429, 200, 200]);
    // Due when the pause ends, not when an idle worker next looks (BullMQ's drainDelay, 5 s).
    const waited = (await resentAt) - (await throttledAt);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(3500);
    for (const n of rows) {
      expect(n.retryCount).toBe(1);
      expect(n.sendJob).toMatch(/^snd_.+-a2-[0-9a-f]{12}$/);
      const timeline = await getTimeline(w.deps.db, n.id);
      expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "FAILED", "SENT"]);
    }
    expect(await w.deps.queues.get("dead_letter").count()).toBe(0);
  });

  it("for SMS through Twilio, honouring a Retry-After given as an HTTP date", async () => {
    const w = await firstProcess({ ...twilioWorkerEnv(twilio), SMS_RETRY_SCHEDULE: "0" });
    // Whole seconds: 3 to 4 s ahead now, well over 2 s when Twilio answers.
    twilio.failWith({ status: 429, retryAfter: new Date(Date.now() + 4000).toUTCString(), times: 1 });
    const throttledAt = answered(twilio, 1);
    const eventId = await w.trigger("order_placed", "texted", { channels: ["sms"] });
    const t1 = await throttledAt;
    // Longer than the 1 s pause of a 429 without a (readable) Retry-After.
    expect((await answered(twilio, 2)) - t1).toBeGreaterThanOrEqual(1900);
    const rows = await allSent(w, [eventId], "sms");
    await expectNoAttemptUsed(w, rows);
    expect(twilio.received.map((r) => r.status)).toEqual([429, 201]);
  });
});
