import { getTimeline, upsertDevice, upsertRecipient } from "@herald/db";
import {
  type FakeFcm,
  type FakeResend,
  type FakeSmtp,
  type FakeTwilio,
  startFakeFcm,
  startFakeResend,
  startFakeSmtp,
  startFakeTwilio,
} from "@herald/fakes";
import { readSharedMetrics } from "@herald/metrics";
import { eventually, startCommandFeed, testRedisUrl } from "@herald/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OWN_LIMIT_CODE } from "../src/providers/provider-limiter.ts";
import { acceptGroup } from "./accept-group.ts";
import { startAnotherProcess } from "./another-process.ts";
import { allSent, busiestWindow, expectNoAttemptUsed } from "./sent-checks.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";
import { twilioWorkerEnv } from "./twilio-env.ts";

/**
 * `<PROVIDER>_RATE_LIMIT` through the real SDKs against the fakes: requests
 * the fakes receive stay within the account's limit in every process
 * together, and a request over it is handled as the provider's 429 would
 * be (failover, or a channel pause that uses no attempt). Every case runs on
 * a one-attempt schedule: a counted attempt would end DEAD.
 */

let resend: FakeResend;
let smtp: FakeSmtp;
let twilio: FakeTwilio;
let fcm: FakeFcm;
const closing: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [resend, smtp, twilio, fcm] = await Promise.all([
    startFakeResend({ apiKey: "re_test_key" }),
    startFakeSmtp(),
    startFakeTwilio(),
    startFakeFcm(),
  ]);
});
afterAll(async () => {
  await Promise.all([resend.close(), smtp.close(), twilio.close(), fcm.close()]);
});
afterEach(async () => {
  // The other processes first: the first one drops the database.
  for (const close of closing.splice(0).reverse()) await close();
  for (const fake of [resend, smtp, twilio, fcm]) fake.reset();
});

const emailEnv = (env: Record<string, string> = {}) => ({
  EMAIL_PROVIDERS: "resend",
  RESEND_API_KEY: "re_test_key",
  RESEND_BASE_URL: resend.url,
  SMTP_URL: smtp.smtpUrl,
  EMAIL_FROM: "Herald <notifications@herald.test>",
  WORKER_CHANNELS: "events,email",
  EMAIL_RETRY_SCHEDULE: "0",
  EMAIL_CONCURRENCY: "4",
  // A job, and a Resend request, per e-mail: events routed together would share a batch request.
  SEND_BATCH_SIZE: "1",
  ...env,
});

/** Send batches as routed, up to Resend's 100 per request. */
const BATCHES = { SEND_BATCH_SIZE: "100" };

async function start(env: Record<string, string>): Promise<TestWorker> {
  const w = await createTestWorker(env);
  closing.push(() => w.close());
  return w;
}

/** When the fake received each of its first `count` requests (records, for a Resend batch one per e-mail). */
async function arrivals(
  fake: { waitFor(count: number, timeoutMs?: number): Promise<unknown[]> },
  count: number,
) {
  const times: number[] = [];
  for (let k = 1; k <= count; k++) {
    await fake.waitFor(k, 30_000);
    times.push(Date.now());
  }
  return times;
}

/**
 * A 2 s window, less what a request may arrive after its slot: the timer,
 * the SDK's own work and loopback, tens of ms on a busy machine.
 */
const SLOT_WINDOW = 1700;

const triggerMany = async (w: TestWorker, n: number, channel = "email", user = "user") => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(await w.trigger("order_placed", `${user}-${i}`, { channels: [channel] }));
  return ids;
};

describe("a provider account's rate limit", () => {
  it("holds across two worker processes: the fake never gets more than the limit in any window", async () => {
    const env = emailEnv({ RESEND_RATE_LIMIT: "2/2s" });
    const w = await start(env);
    closing.push(startAnotherProcess(w, env));
    const received = arrivals(resend, 6);
    const ids = await triggerMany(w, 6);
    const times = await received;
    const rows = await allSent(w, ids);
    await expectNoAttemptUsed(w, rows);
    expect(busiestWindow(times, SLOT_WINDOW)).toBeLessThanOrEqual(2);
    expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(SLOT_WINDOW * 2);
    expect(resend.received.map((r) => r.status)).toEqual(rows.map(() => 200));
    expect(new Set(resend.received.map((r) => r.idempotencyKey)).size).toBe(6);
  });

  it("sends the overflow through the next provider when it is not limited, each e-mail once", async () => {
    const w = await start(emailEnv({ EMAIL_PROVIDERS: "resend,smtp", RESEND_RATE_LIMIT: "1/10s" }));
    const ids = await triggerMany(w, 4);
    const rows = await allSent(w, ids);
    await expectNoAttemptUsed(w, rows);
    expect(resend.received).toHaveLength(1);
    expect(smtp.received).toHaveLength(3);
    const sentTo = [
      ...resend.received.map((r) => r.idempotencyKey),
      ...smtp.received.map((m) => m.headers["x-herald-notification-id"]),
    ];
    expect(sentTo.sort()).toEqual(rows.map((n) => n.id).sort());
    const bySmtp = rows.filter((n) => n.provider === "smtp");
    expect(bySmtp).toHaveLength(3);
    const sent = (await getTimeline(w.deps.db, bySmtp[0]!.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ failover: [{ provider: "resend", code: OWN_LIMIT_CODE }] });
  });

  it("counts a Resend batch request as one, and sends a batch over the limit through the next provider", async () => {
    const w = await start(
      emailEnv({ ...BATCHES, EMAIL_PROVIDERS: "resend,smtp", RESEND_RATE_LIMIT: "1/10s" }),
    );
    const first = await acceptGroup(
      w,
      ["b-1", "b-2", "b-3"].map((userId) => ({ userId })),
    );
    await allSent(w, first.ids);
    const second = await acceptGroup(
      w,
      ["c-1", "c-2", "c-3"].map((userId) => ({ userId })),
    );
    const rows = await allSent(w, [...first.ids, ...second.ids]);
    await expectNoAttemptUsed(w, rows);
    expect(resend.received.filter((r) => r.batch)).toHaveLength(3);
    expect(new Set(resend.received.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(smtp.received).toHaveLength(3);
    const byProvider = (p: string) => rows.filter((n) => n.provider === p).map((n) => n.eventId);
    expect(byProvider("resend").sort()).toEqual([...first.ids].sort());
    expect(byProvider("smtp").sort()).toEqual([...second.ids].sort());
  });

  it("with no other provider, delays the sends over it without using an attempt", async () => {
    const w = await start(emailEnv({ RESEND_RATE_LIMIT: "1/2s" }));
    const received = arrivals(resend, 3);
    const ids = await triggerMany(w, 3);
    const times = await received;
    const rows = await allSent(w, ids);
    await expectNoAttemptUsed(w, rows);
    expect(busiestWindow(times, SLOT_WINDOW)).toBe(1);
    expect(resend.received.map((r) => r.status)).toEqual([200, 200, 200]);
    const { providerThrottled } = await eventually(async () => {
      const m = await readSharedMetrics(w.deps.redis, w.deps.env.queuePrefix);
      return m.providerThrottled.length > 0 ? m : null;
    });
    expect(providerThrottled).toContainEqual({
      provider: "resend",
      outcome: "refused",
      value: expect.any(Number),
    });
  });

  it("delays a send batch over it, which runs again whole at the same attempt", async () => {
    const w = await start(emailEnv({ ...BATCHES, RESEND_RATE_LIMIT: "1/2s" }));
    // A record per e-mail: two per batch request.
    const received = arrivals(resend, 4);
    const first = await acceptGroup(
      w,
      ["d-1", "d-2"].map((userId) => ({ userId })),
    );
    const second = await acceptGroup(
      w,
      ["e-1", "e-2"].map((userId) => ({ userId })),
    );
    const rows = await allSent(w, [...first.ids, ...second.ids]);
    await expectNoAttemptUsed(w, rows);
    // The router's two batches, no retry batch, two Resend requests.
    for (const n of rows) expect(n.sendJob).toMatch(/^snd_[^-]+$/);
    expect(new Set(resend.received.map((r) => r.idempotencyKey)).size).toBe(2);
    expect(resend.received).toHaveLength(4);
    const times = await received;
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(SLOT_WINDOW);
  });

  it("for SMS through Twilio: the sends over it wait, no attempt used", async () => {
    const w = await start({
      ...twilioWorkerEnv(twilio),
      SMS_RETRY_SCHEDULE: "0",
      TWILIO_RATE_LIMIT: "1/2s",
    });
    const received = arrivals(twilio, 3);
    const ids = await triggerMany(w, 3, "sms");
    const times = await received;
    const rows = await allSent(w, ids, "sms");
    await expectNoAttemptUsed(w, rows);
    expect(busiestWindow(times, SLOT_WINDOW)).toBe(1);
    expect(twilio.received.map((r) => r.status)).toEqual([201, 201, 201]);
  });

  it("for push through FCM: the sends over it wait, no attempt used", async () => {
    const w = await start({
      PUSH_PROVIDERS: "fcm",
      FCM_SERVICE_ACCOUNT: JSON.stringify(fcm.serviceAccount),
      FCM_BASE_URL: fcm.url,
      FCM_RATE_LIMIT: "1/2s",
      PUSH_RETRY_SCHEDULE: "0",
      WORKER_CHANNELS: "events,push",
    });
    for (let i = 0; i < 3; i++) {
      const r = await upsertRecipient(w.deps.db, `phone-${i}`, {});
      await upsertDevice(w.deps.db, r.id, { kind: "fcm", address: `fcm-token-${i}-0123456789` });
    }
    const received = arrivals(fcm, 3);
    const ids = await triggerMany(w, 3, "push", "phone");
    const times = await received;
    const rows = await allSent(w, ids, "push");
    await expectNoAttemptUsed(w, rows);
    expect(busiestWindow(times, SLOT_WINDOW)).toBe(1);
    expect(fcm.received.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("costs one script call per provider request with a limit, and no Redis call at all without one", async () => {
    const monitor = await startCommandFeed(testRedisUrl());
    const calls: string[][] = [];
    monitor.onCommand(({ args, source }) => {
      // Commands a script runs are shown too, from "lua": only the clients' calls count.
      if (source !== "lua" && args.some((a) => a.includes(":{provider-limit:"))) calls.push(args);
    });
    try {
      const limited = await start(emailEnv({ ...BATCHES, RESEND_RATE_LIMIT: "1000/1s" }));
      const plain = await start(emailEnv(BATCHES));
      // Resend requests per worker: single sends, and batches (the router may group events it routes together).
      const requests: number[] = [];
      for (const w of [limited, plain]) {
        const ids = await triggerMany(w, 4);
        const group = await acceptGroup(
          w,
          ["f-1", "f-2", "f-3"].map((userId) => ({ userId })),
        );
        await allSent(w, [...ids, ...group.ids]);
        requests.push(new Set(resend.received.map((r) => r.idempotencyKey)).size);
        resend.reset();
      }
      const of = (w: TestWorker) =>
        calls.filter((c) => c.some((a) => a.startsWith(`${w.deps.env.queuePrefix}:`)));
      // MONITOR streams on its own connection: let it catch up.
      await eventually(() => of(limited).length >= requests[0]!, 2000).catch(() => {});
      const commands = of(limited).map((c) => c[0]!.toLowerCase());
      expect(commands).toHaveLength(requests[0]!);
      // ioredis sends the script itself once per connection (EVAL), then its hash (EVALSHA).
      expect(commands.filter((c) => c !== "evalsha")).toEqual(["eval"]);
      expect(requests[1]).toBeGreaterThan(1);
      expect(of(plain)).toEqual([]);
    } finally {
      monitor.close();
    }
  });
});
