import { Writable } from "node:stream";
import { createRedis, OpsAlertSchema, readReliabilityCounters } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { eventually, startWebhookReceiver, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpsAlerts, type DeadLetterSample, type OpsAlerts } from "../src/reliability/ops-alerts.ts";

const logger = createLogger({ level: "silent" });
const redises: Redis[] = [];
afterAll(() => {
  for (const r of redises) r.disconnect();
});

const sample = (i: number, channel = "email"): DeadLetterSample => ({
  notificationId: `ntf_${String(i).padStart(26, "0")}`,
  channel,
  type: "order_placed",
  attempts: 4,
  error: "503",
  at: new Date().toISOString(),
});

/**
 * One "process": its own Redis connection and alert module. The scheduler
 * plays the dead_letter queue: it runs each alert job id once, when due.
 */
function processes(
  count: number,
  options: { prefix: string; webhookUrl: string | null; groupWaitMs: number; intervalMs: number },
) {
  const scheduled = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  let flusher: OpsAlerts | undefined;
  const all = Array.from({ length: count }, () => {
    const redis = createRedis(testRedisUrl(), "worker");
    redises.push(redis);
    return createOpsAlerts({
      redis,
      prefix: options.prefix,
      logger,
      webhookUrl: options.webhookUrl,
      groupWaitMs: options.groupWaitMs,
      intervalMs: options.intervalMs,
      async schedule(jobId, delay) {
        if (scheduled.has(jobId)) return; // same job id: BullMQ keeps the first
        scheduled.set(jobId, delay);
        timers.push(setTimeout(() => void flusher!.flush(jobId), delay));
      },
    });
  });
  flusher = all[0];
  return { all, scheduled, stop: () => timers.forEach(clearTimeout) };
}

describe("ops alerts", () => {
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it("groups 200 deaths recorded by 4 processes into one alert", async () => {
    receiver.received.length = 0;
    const prefix = testQueuePrefix();
    const p = processes(4, { prefix, webhookUrl: receiver.url, groupWaitMs: 400, intervalMs: 60_000 });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        p.all[i % 4]!.record(`dead-${i}`, sample(i, i % 2 ? "sms" : "email")),
      ),
    );
    // A re-run dead-letter job (same death id) counts nothing twice.
    await p.all[1]!.record("dead-7", sample(7));
    expect(p.scheduled.size).toBe(1);
    await eventually(() => receiver.received.length === 1);
    await new Promise((r) => setTimeout(r, 600));
    expect(receiver.received).toHaveLength(1);
    const alert = receiver.received[0]!.body as { count: number; byChannel: object; samples: unknown[] };
    expect(alert.count).toBe(200);
    expect(alert.byChannel).toEqual({ email: 100, sms: 100 });
    expect(alert.samples).toHaveLength(20);
    // What /openapi.json documents (webhooks.opsAlert) is what was sent.
    expect(OpsAlertSchema.parse(alert)).toEqual(alert);
    // No OPS_ALERT_WEBHOOK_SECRET: no signature headers, as before there was one.
    expect(Object.keys(receiver.received[0]!.headers).filter((h) => h.startsWith("webhook-"))).toEqual([]);
    const redis = redises[0]!;
    expect(await readReliabilityCounters(redis, prefix)).toMatchObject({
      dead_letters_total: 200,
      "dead_letters:channel:sms": 100,
      ops_alerts_sent: 1,
    });
    p.stop();
  });

  it("without a webhook the alert is an error log line whose counts stay readable", async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const redis = createRedis(testRedisUrl(), "worker");
    redises.push(redis);
    let due: string | undefined;
    const alerts = createOpsAlerts({
      redis,
      prefix: testQueuePrefix(),
      logger: createLogger({ level: "info", destination: capture }),
      webhookUrl: null,
      groupWaitMs: 10,
      intervalMs: 60_000,
      async schedule(jobId) {
        due = jobId;
      },
    });
    await alerts.record("log-1", sample(1, "email"));
    await alerts.record("log-2", sample(2, "sms"));
    await alerts.record("log-3", sample(3, "email"));
    await new Promise((r) => setTimeout(r, 50));
    await alerts.flush(due!);
    const line = JSON.parse(lines.find((l) => l.includes("ops alert"))!);
    expect(line.level).toBe("error");
    expect(line.msg).toContain("3 notifications");
    expect(line.alert.count).toBe(3);
    expect(line.alert.byChannel).toEqual(
      expect.arrayContaining([
        { channel: "email", count: 2 },
        { channel: "sms", count: 1 },
      ]),
    );
    expect(JSON.stringify(line)).not.toContain("[redacted]");
  });

  it("sends a handful of alerts, not thousands, through a long outage", async () => {
    receiver.received.length = 0;
    const p = processes(3, {
      prefix: testQueuePrefix(),
      webhookUrl: receiver.url,
      groupWaitMs: 100,
      intervalMs: 700,
    });
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < 3000) {
      await Promise.all(p.all.map((a) => a.record(`d-${i++}`, sample(i))));
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(async () => {
      const total = receiver.received.reduce((sum, r) => sum + (r.body as { count: number }).count, 0);
      return total === i;
    }, 5000);
    // 3 s of deaths, one alert at most every 700 ms: ≤ 6 alerts for hundreds of deaths.
    expect(i).toBeGreaterThan(300);
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(receiver.received.length).toBeLessThanOrEqual(6);
    p.stop();
  });

  it("keeps an alert the webhook refused and delivers it on the job's retry", async () => {
    receiver.received.length = 0;
    receiver.respondWith(500);
    const prefix = testQueuePrefix();
    const scheduled: string[] = [];
    const redis = createRedis(testRedisUrl(), "worker");
    redises.push(redis);
    const alerts = createOpsAlerts({
      redis,
      prefix,
      logger,
      webhookUrl: receiver.url,
      groupWaitMs: 10,
      intervalMs: 10,
      async schedule(jobId) {
        scheduled.push(jobId);
      },
    });
    await alerts.record("x-1", sample(1));
    await expect(alerts.flush(scheduled[0]!)).rejects.toThrow("answered 500");
    receiver.respondWith(204);
    const sent = await alerts.flush(scheduled[0]!);
    expect(sent?.count).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(await alerts.flush(scheduled[0]!)).toBeNull();
    expect(await readReliabilityCounters(redis, prefix)).toMatchObject({
      ops_alerts_failed: 1,
      ops_alerts_sent: 1,
    });
  });
});
