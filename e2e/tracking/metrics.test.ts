import { DeliveryError } from "@herald/errors";
import { catalog } from "@herald/templates";
import { eventually, prometheusFormatProblems } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

// E-mail fails once per notification (transient, "resend") then succeeds; for
// users called dead-* it always fails, so that notification is dead-lettered.
// Push always fails permanently ("webpush"). No worker serves sms: its jobs wait.
const attempts = new Map<string, number>();
const email: ChannelSender = {
  channel: "email",
  providers: ["resend"],
  async send(ctx) {
    const n = (attempts.get(ctx.notification.id) ?? 0) + 1;
    attempts.set(ctx.notification.id, n);
    if (n === 1 || ctx.recipient.externalId.startsWith("dead-")) {
      throw new DeliveryError("transient", "503 from provider", { provider: "resend", code: "503" });
    }
    return { provider: "resend", providerMessageId: crypto.randomUUID() };
  },
};
const push: ChannelSender = {
  channel: "push",
  providers: ["webpush"],
  async send() {
    throw new DeliveryError("permanent", "400 bad subscription", { provider: "webpush", code: "400" });
  },
};

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald({
    // The dead letter's ops alert goes out (logged: no webhook) as soon as it is recorded.
    workerEnv: {
      WORKER_CHANNELS: "events,email,push,in_app,dead_letter,maintenance",
      OPS_ALERT_GROUP_WAIT_MS: "1",
    },
    overrides: { senders: { email, push } },
  });
});
afterAll(() => herald.close());

const subscription = {
  endpoint: "https://push.example.test/send/metrics",
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
};

async function trigger(userId: string) {
  await herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com`, phone: "+14155550100" });
  // One endpoint per user: an endpoint registered again moves to the new user.
  const device = { ...subscription, endpoint: `${subscription.endpoint}/${userId}` };
  await herald.call("POST", `/v1/users/${userId}/devices`, { kind: "webpush", subscription: device });
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    data: catalog.order_placed.example,
  });
  expect(res.status).toBe(202);
  return res.body.eventId as string;
}

const statusOf = async (eventId: string, channel: string) =>
  (await herald.call("GET", `/v1/events/${eventId}`)).body.notifications?.find(
    (n: { channel: string }) => n.channel === channel,
  )?.status;

function sample(families: ParsedFamily[], name: string, labels: Record<string, string> = {}) {
  const family = families.find((f) => f.name === name);
  return family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

describe("GET /metrics", () => {
  it("is valid Prometheus text with queue, job, latency, provider-error, DLQ and dead-letter alert metrics from the workers", async () => {
    const ok = await trigger("ok-user");
    const dead = await trigger("dead-user");
    await eventually(async () => (await statusOf(ok, "email")) === "SENT", 15_000);
    await eventually(async () => (await statusOf(ok, "push")) === "FAILED", 15_000);
    await eventually(async () => (await statusOf(dead, "email")) === "DEAD", 15_000);
    await eventually(async () => (await statusOf(ok, "in_app")) === "SENT", 15_000);

    // Job counters are written from BullMQ's completed/failed events, just after the
    // status the waits above saw: scrape until they have landed.
    await eventually(async () => {
      const res = await fetch(`${herald.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      const text = await res.text();
      expect(prometheusFormatProblems(text)).toEqual([]);
      const families = parsePrometheusTextFormat(text);
      const value = (name: string, labels: Record<string, string> = {}) =>
        Number(sample(families, name, labels)?.value ?? Number.NaN);

      // Queue depth and age: the two sms jobs wait, nobody consumes them.
      expect(value("herald_queue_depth", { queue: "sms" })).toBe(2);
      expect(value("herald_queue_oldest_waiting_age_seconds", { queue: "sms" })).toBeGreaterThan(0);
      expect(value("herald_queue_depth", { queue: "email" })).toBe(0);
      expect(value("herald_queue_oldest_waiting_age_seconds", { queue: "email" })).toBe(0);

      // Jobs per channel, recorded by the worker process through Redis.
      expect(value("herald_jobs_completed_total", { queue: "events" })).toBe(2);
      expect(value("herald_jobs_completed_total", { queue: "email" })).toBe(1);
      expect(value("herald_jobs_completed_total", { queue: "in_app" })).toBe(2);
      expect(value("herald_jobs_failed_total", { queue: "email", final: "false" })).toBe(4);
      expect(value("herald_jobs_failed_total", { queue: "email", final: "true" })).toBe(1);
      expect(value("herald_jobs_failed_total", { queue: "push", final: "true" })).toBe(2);

      // Provider errors by provider and class.
      expect(value("herald_provider_errors_total", { provider: "resend", class: "transient" })).toBe(5);
      expect(value("herald_provider_errors_total", { provider: "webpush", class: "permanent" })).toBe(2);

      // Send latency (accepted → sent) per channel and priority. (The parser folds labelled
      // histograms into one entry, so these series are read from the text itself.)
      expect(families.find((f) => f.name === "herald_send_latency_seconds")?.type).toBe("HISTOGRAM");
      const series = (line: string) =>
        Number(
          text
            .split("\n")
            .find((l) => l.startsWith(`${line} `))
            ?.split(" ")[1],
        );
      expect(series('herald_send_latency_seconds_count{channel="email",priority="normal"}')).toBe(1);
      expect(series('herald_send_latency_seconds_bucket{channel="email",priority="normal",le="+Inf"}')).toBe(
        1,
      );
      expect(series('herald_send_latency_seconds_sum{channel="email",priority="normal"}')).toBeGreaterThan(0);
      expect(series('herald_send_latency_seconds_count{channel="in_app",priority="normal"}')).toBe(2);

      // Dead-letter size and the sources being readable.
      expect(value("herald_dlq_size", { channel: "email" })).toBe(1);
      // SPEC §2 step 5: a dead letter is counted, and its ops alert too (every series from 0).
      expect(families.find((f) => f.name === "herald_dead_letters_total")?.type).toBe("COUNTER");
      expect(value("herald_dead_letters_total", { channel: "email" })).toBe(1);
      expect(value("herald_dead_letters_total", { channel: "push" })).toBe(0);
      expect(value("herald_ops_alerts_total", { result: "logged" })).toBe(1);
      expect(value("herald_ops_alerts_total", { result: "failed" })).toBe(0);
      expect(value("herald_metrics_source_up", { source: "redis" })).toBe(1);
      expect(value("herald_metrics_source_up", { source: "postgres" })).toBe(1);
      // The API process' own metrics, from prom-client.
      expect(families.some((f) => f.name === "herald_api_process_cpu_seconds_total")).toBe(true);
      return true;
    }, 10_000);
  });
});
