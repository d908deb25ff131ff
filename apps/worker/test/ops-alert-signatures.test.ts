import { randomBytes } from "node:crypto";
import { createRedis, OpsAlertSchema, readReliabilityCounters } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { parseWebhookSecret } from "@herald/webhook-signing";
import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createOpsAlerts } from "../src/reliability/ops-alerts.ts";
import { type Delivery, startVerifyingReceiver } from "./verifying-receiver.ts";

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

const redises: Redis[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => {
  for (const r of redises) r.disconnect();
});

/** One dead notification recorded, its alert job id known, the module signing with `secret` (or each of several). */
async function alertsWithOneDeath(url: string, secret: string | string[], clock: { now: number }) {
  const redis = createRedis(testRedisUrl(), "worker");
  redises.push(redis);
  const prefix = testQueuePrefix();
  let jobId = "";
  const alerts = createOpsAlerts({
    redis,
    prefix,
    logger: createLogger({ level: "silent" }),
    webhookUrl: url,
    webhookSecret: [secret].flat().map(parseWebhookSecret),
    groupWaitMs: 10,
    intervalMs: 10,
    now: () => clock.now,
    async schedule(id) {
      jobId = id;
    },
  });
  await alerts.record("sig-1", {
    notificationId: `ntf_${"0".repeat(26)}`,
    channel: "email",
    type: "order_placed",
    attempts: 4,
    error: "503 Service Unavailable",
    at: new Date(clock.now).toISOString(),
  });
  return { alerts, jobId, redis, prefix };
}

describe("signed ops alerts (OPS_ALERT_WEBHOOK_SECRET)", () => {
  it("verify with svix's Webhook class, and the body is the documented OpsAlert", async () => {
    const secret = newSecret();
    const receiver = await startVerifyingReceiver(secret);
    closers.push(receiver.close);
    const clock = { now: Date.now() };
    const { alerts, jobId } = await alertsWithOneDeath(receiver.url, secret, clock);

    const sent = await alerts.flush(jobId);
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries as [Delivery];
    expect(delivery.verified).toBe(true);
    expect(delivery.headers["webhook-id"]).toBe(jobId);
    expect(delivery.headers["webhook-timestamp"]).toBe(String(Math.floor(clock.now / 1000)));
    expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // svix hands back the parsed body once the signature holds: the alert, as documented.
    const body = receiver.verifier.verify(delivery.raw, delivery.headers);
    expect(body).toEqual(sent);
    expect(OpsAlertSchema.parse(body)).toEqual(body);
    expect(Object.keys(body as object).sort()).toEqual(Object.keys(OpsAlertSchema.shape).sort());
  });

  it("a tampered body, or another id or timestamp on the same signature, fails verification", async () => {
    const secret = newSecret();
    const receiver = await startVerifyingReceiver(secret);
    closers.push(receiver.close);
    const clock = { now: Date.now() };
    const { alerts, jobId } = await alertsWithOneDeath(receiver.url, secret, clock);
    await alerts.flush(jobId);
    const { raw, headers } = receiver.deliveries[0]!;
    expect(() => receiver.verifier.verify(raw, headers)).not.toThrow();

    const tampered = raw.replace('"count":1', '"count":0');
    expect(tampered).not.toBe(raw);
    expect(() => receiver.verifier.verify(tampered, headers)).toThrow();
    expect(() => receiver.verifier.verify(raw, { ...headers, "webhook-id": "ops-alert-other" })).toThrow();
    const later = String(Number(headers["webhook-timestamp"]) + 1);
    expect(() => receiver.verifier.verify(raw, { ...headers, "webhook-timestamp": later })).toThrow();
  });

  it("a receiver holding another secret refuses the alert; it stays in flight for the job's retry", async () => {
    const receiver = await startVerifyingReceiver(newSecret());
    closers.push(receiver.close);
    const clock = { now: Date.now() };
    const { alerts, jobId, redis, prefix } = await alertsWithOneDeath(receiver.url, newSecret(), clock);

    await expect(alerts.flush(jobId)).rejects.toThrow("answered 401");
    // Signed, with the key the receiver does not hold (an unsigned POST would be refused too).
    expect(receiver.deliveries.map((d) => d.verified)).toEqual([false]);
    expect(receiver.deliveries[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(await readReliabilityCounters(redis, prefix)).toMatchObject({ ops_alerts_failed: 1 });
    // Still there: the retry sends it again (and fails again, the secrets still disagree).
    await expect(alerts.flush(jobId)).rejects.toThrow("answered 401");
    expect(receiver.deliveries).toHaveLength(2);
  });

  it("during a rotation (two secrets) a receiver holding either one verifies the alert", async () => {
    const [next, old] = [newSecret(), newSecret()];
    for (const held of [old, next]) {
      const receiver = await startVerifyingReceiver(held);
      closers.push(receiver.close);
      const { alerts, jobId } = await alertsWithOneDeath(receiver.url, [next, old], { now: Date.now() });
      await alerts.flush(jobId);
      const [delivery] = receiver.deliveries as [Delivery];
      expect(delivery.verified).toBe(true);
      // One signature per secret, space-separated (Standard Webhooks).
      expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    }
  });

  it("a retried alert keeps its webhook-id and body, signed again with the retry's time", async () => {
    const secret = newSecret();
    const receiver = await startVerifyingReceiver(secret);
    closers.push(receiver.close);
    receiver.failNext(1);
    const clock = { now: Date.now() - 120_000 };
    const { alerts, jobId } = await alertsWithOneDeath(receiver.url, secret, clock);

    await expect(alerts.flush(jobId)).rejects.toThrow("answered 500");
    // The job's retry, 90 s later (inside svix's 5-minute tolerance either way).
    clock.now += 90_000;
    const sent = await alerts.flush(jobId);
    expect(sent?.count).toBe(1);

    const [first, retry] = receiver.deliveries as [Delivery, Delivery];
    expect([first.verified, retry.verified]).toEqual([true, true]);
    expect(retry.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(retry.headers["webhook-id"]).toBe(jobId);
    expect(Number(retry.headers["webhook-timestamp"]) - Number(first.headers["webhook-timestamp"])).toBe(90);
    expect(retry.headers["webhook-signature"]).not.toBe(first.headers["webhook-signature"]);
    // The same alert, not a new one made at retry time: a receiver that already took it can drop it.
    expect(retry.raw).toBe(first.raw);
  });
});
