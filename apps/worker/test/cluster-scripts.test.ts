import { InboxHub, type InboxMessage, publishInboxEvent, readInboxEventsAfter } from "@herald/inbox-bus";
import { createRedis, type RedisClient, readReliabilityCounters } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { readSharedMetrics, sharedMetricsWriter } from "@herald/metrics";
import { eventually, startTestRedisCluster, type TestRedisCluster } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerLimiter, providerLimitKey } from "../src/providers/provider-limiter.ts";
import { inFlightKey, inFlightRequests } from "../src/reliability/in-flight-requests.ts";
import { createOpsAlerts } from "../src/reliability/ops-alerts.ts";
import { takeFrequencySlot } from "../src/router/frequency-cap.ts";

/**
 * Herald's own Redis work that goes beyond one key per command — Lua
 * scripts, MULTI, pipelines, pub/sub — on a real 3-master Redis Cluster.
 * A key outside its script's slot would fail here with CROSSSLOT.
 */
let rc: TestRedisCluster;
let redis: RedisClient;
const prefix = "herald";

beforeAll(async () => {
  rc = await startTestRedisCluster();
  redis = createRedis({ url: rc.url, cluster: true }, "worker");
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await rc?.stop();
});

describe("Herald's multi-key Redis work on a cluster", () => {
  it("records and flushes ops alerts (two scripts and a MULTI on {ops} keys)", async () => {
    const scheduled: string[] = [];
    const alerts = createOpsAlerts({
      redis,
      prefix,
      logger: createLogger({ level: "silent" }),
      webhookUrl: null,
      groupWaitMs: 0,
      intervalMs: 0,
      async schedule(jobId) {
        scheduled.push(jobId);
      },
    });
    const sample = (id: string) => ({
      notificationId: id,
      channel: "email",
      type: "order_placed",
      attempts: 4,
      error: "503",
      at: new Date().toISOString(),
    });
    await alerts.record("death-1", sample("ntf_1"));
    await alerts.record("death-2", sample("ntf_2"));
    const alert = await alerts.flush(scheduled[0]!);
    expect(alert?.count).toBe(2);
    expect(await readReliabilityCounters(redis, prefix)).toMatchObject({
      dead_letters_total: 2,
      ops_alerts_logged: 1,
    });
  });

  it("counts frequency caps with several caps of one user in one script", async () => {
    const caps = [
      { category: "marketing", channel: "email" as const, max: 2, windowMs: 60_000 },
      { category: "marketing", channel: "email" as const, max: 5, windowMs: 86_400_000 },
    ];
    const take = (member: string) =>
      takeFrequencySlot(redis, prefix, caps, {
        recipientId: "usr_cap",
        category: "marketing",
        channel: "email",
        member,
        now: new Date(),
        dueAt: new Date(),
      });
    expect([await take("e1"), await take("e2"), await take("e3"), await take("e1")]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it("takes provider request slots, each account's log in its own slot", async () => {
    const limiter = (account: string) =>
      providerLimiter({
        redis,
        prefix,
        provider: "resend",
        account,
        limit: { max: 1, duration: 5000 },
        setting: "RESEND_RATE_LIMIT",
      });
    const accounts = ["re_one", "re_two", "re_three"];
    for (const account of accounts) await limiter(account).take();
    await expect(limiter("re_one").take()).rejects.toMatchObject({ rateLimited: true });
    const logs = await rc.cluster.keysByNode(`${prefix}:{provider-limit:*`);
    expect(logs.flatMap((n) => n.keys).sort()).toEqual(
      accounts.map((a) => providerLimitKey(prefix, "resend", a)).sort(),
    );
  });

  it("notes provider requests in flight per job (a script, HGETALL, HDEL), each job's notes in its own slot", async () => {
    const requests = inFlightRequests(redis, prefix);
    const jobs = Array.from({ length: 6 }, (_, i) => `snd_job${i}`);
    for (const job of jobs) await requests.log(job).mark([`${job}-a`, `${job}-b`], "resend", `batch-${job}`);
    expect((await requests.read("snd_job3")).get("snd_job3-b")).toEqual({
      provider: "resend",
      batchKey: "batch-snd_job3",
    });
    const notes = await rc.cluster.keysByNode(`${prefix}:{in-flight:*`);
    expect(notes.flatMap((n) => n.keys).sort()).toEqual(jobs.map((j) => inFlightKey(prefix, j)).sort());
    expect(notes.filter((n) => n.keys.length > 0).length).toBeGreaterThan(1);
    const log = requests.log("snd_job0");
    await log.mark(["snd_job0-c"], "smtp");
    await log.clear();
    for (const job of jobs) await requests.forget(job, [`${job}-a`, `${job}-b`]);
    expect((await rc.cluster.keysByNode(`${prefix}:{in-flight:*`)).flatMap((n) => n.keys)).toEqual([]);
  });

  it("writes shared metrics through a pipeline and reads them back", async () => {
    const writer = sharedMetricsWriter(redis, prefix, { flushMs: 0 });
    await Promise.all([writer.jobCompleted("email"), writer.sendLatency("email", "normal", 0.2)]);
    const metrics = await readSharedMetrics(redis, prefix);
    expect(metrics.jobsCompleted).toEqual([{ queue: "email", value: 1 }]);
    expect(metrics.latency[0]?.counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("announces inbox events to a subscriber on any node, and replays them from the log", async () => {
    const subscriber = createRedis({ url: rc.url, cluster: true }, "subscriber", { lazyConnect: true });
    const hub = new InboxHub(subscriber, prefix);
    try {
      const received: InboxMessage[] = [];
      await hub.subscribe("usr_inbox", { onMessage: (m) => received.push(m), onResync: () => {} });
      // Users spread over the slots: their logs land on different nodes, the announcements reach the hub.
      const sids = [];
      for (const user of ["usr_inbox", "usr_other_a", "usr_other_b"]) {
        sids.push(await publishInboxEvent(redis, prefix, user, { type: "notification", id: `ntf_${user}` }));
      }
      await eventually(() => received.length === 1);
      expect(received[0]).toMatchObject({ type: "notification", id: "ntf_usr_inbox", sid: sids[0] });
      const replay = await readInboxEventsAfter(redis, prefix, "usr_inbox", "0-0");
      expect(replay.messages.map((m) => m.sid)).toEqual([sids[0]]);
      const logs = await rc.cluster.keysByNode(`${prefix}:inbox-log:*`);
      expect(logs.filter((n) => n.keys.length > 0).length).toBeGreaterThan(1);
    } finally {
      hub.close();
    }
  });
});
