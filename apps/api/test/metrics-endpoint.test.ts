import { configureStatusWebhooks, createWebhookEndpoint, deleteWebhookEndpoint } from "@herald/db";
import { reliabilityCountersKey } from "@herald/jobs";
import { sharedMetricsWriter } from "@herald/metrics";
import { prometheusFormatProblems } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

const TOKEN = "metrics-token-0123456789abcdef";
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await api?.close();
});

describe("GET /metrics", () => {
  it("needs the metrics token when one is configured, not an API key", async () => {
    expect((await api.app.request("/metrics")).status).toBe(401);
    const wrong = await api.app.request("/metrics", { headers: { authorization: `Bearer ${api.apiKey}` } });
    expect(wrong.status).toBe(401);
    const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(prometheusFormatProblems(text)).toEqual([]);
    // With no worker ever run, every queue is still reported, empty.
    for (const q of ["events", "email", "sms", "push", "in_app", "dead_letter", "maintenance"]) {
      expect(text).toContain(`herald_queue_depth{queue="${q}"} 0`);
    }
    expect(text).toContain("# TYPE herald_send_latency_seconds histogram");
  });

  it("counts the times a normal-lanes worker stood in for the critical process", async () => {
    const writer = sharedMetricsWriter(api.deps.redis, api.deps.queues.prefix, { flushMs: 0 });
    await writer.criticalStandIn("email_critical");
    await writer.criticalStandIn("email_critical");
    await writer.criticalStandIn("events_critical");
    const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(prometheusFormatProblems(text)).toEqual([]);
    expect(text).toContain("# TYPE herald_critical_lane_standins_total counter");
    expect(text).toContain('herald_critical_lane_standins_total{queue="email_critical"} 2');
    expect(text).toContain('herald_critical_lane_standins_total{queue="events_critical"} 1');
  });

  it("counts the provider requests held by a provider account's rate limit, paced or refused", async () => {
    const writer = sharedMetricsWriter(api.deps.redis, api.deps.queues.prefix, { flushMs: 0 });
    await writer.providerThrottled("resend", "paced");
    await writer.providerThrottled("resend", "refused");
    await writer.providerThrottled("resend", "refused");
    const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(prometheusFormatProblems(text)).toEqual([]);
    expect(text).toContain("# TYPE herald_provider_throttled_total counter");
    expect(text).toContain('herald_provider_throttled_total{provider="resend",outcome="paced"} 1');
    expect(text).toContain('herald_provider_throttled_total{provider="resend",outcome="refused"} 2');
  });

  it("counts the recipients' channels a catalog condition that threw left out, by type and channel", async () => {
    const writer = sharedMetricsWriter(api.deps.redis, api.deps.queues.prefix, { flushMs: 0 });
    await writer.conditionErrors("order_alert", "sms", 3);
    await writer.conditionErrors("order_alert", "sms", 2);
    await writer.conditionErrors("order_alert", "push", 1);
    const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(prometheusFormatProblems(text)).toEqual([]);
    expect(text).toContain("# TYPE herald_condition_errors_total counter");
    expect(text).toContain('herald_condition_errors_total{type="order_alert",channel="sms"} 5');
    expect(text).toContain('herald_condition_errors_total{type="order_alert",channel="push"} 1');
  });

  it("exports the workers' dead-letter, ops-alert and reconciler counters, every known series from 0", async () => {
    const scrape = async () =>
      (await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const before = await scrape();
    expect(prometheusFormatProblems(before)).toEqual([]);
    expect(before).toContain("# TYPE herald_dead_letters_total counter");
    expect(before).toContain("# TYPE herald_ops_alerts_total counter");
    expect(before).toContain('herald_dead_letters_total{channel="email"} 0');
    expect(before).toContain('herald_ops_alerts_total{result="failed"} 0');
    // As the dead-letter worker, the ops-alert sender and the reconciler write them.
    const key = reliabilityCountersKey(api.deps.queues.prefix);
    await api.deps.redis
      .multi()
      .hincrby(key, "dead_letters_total", 3)
      .hincrby(key, "dead_letters:channel:email", 2)
      .hincrby(key, "dead_letters:channel:sms", 1)
      .hincrby(key, "dead_letters:type:order_placed", 3)
      .hincrby(key, "ops_alerts_sent", 1)
      .hincrby(key, "ops_alerts_failed", 2)
      .hincrby(key, "reconciled_notifications", 4)
      .hincrby(key, "status_webhooks_rejected", 1)
      .exec();
    const after = await scrape();
    expect(prometheusFormatProblems(after)).toEqual([]);
    for (const line of [
      'herald_dead_letters_total{channel="email"} 2',
      'herald_dead_letters_total{channel="sms"} 1',
      'herald_dead_letters_total{channel="push"} 0',
      'herald_ops_alerts_total{result="sent"} 1',
      'herald_ops_alerts_total{result="failed"} 2',
      'herald_ops_alerts_total{result="logged"} 0',
      'herald_reconciler_requeued_total{kind="notification"} 4',
      'herald_reconciler_requeued_total{kind="event"} 0',
      'herald_status_webhook_changes_total{result="rejected"} 1',
      'herald_status_webhook_changes_total{result="expired"} 0',
    ]) {
      expect(after.split("\n")).toContain(line);
    }
  });

  it("reports the status webhook changes waiting and the oldest one's age, from PostgreSQL", async () => {
    const scrape = async () => {
      const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      expect(prometheusFormatProblems(text)).toEqual([]);
      return text.split("\n");
    };
    // One sample per endpoint: STATUS_WEBHOOK_URL's is `whe_env`, present on or off.
    const value = (lines: string[], name: string, endpoint = "whe_env") =>
      Number(lines.find((l) => l.startsWith(`${name}{endpoint="${endpoint}"} `))?.split(" ")[1]);
    const before = await scrape();
    expect(before).toContain("# TYPE herald_status_webhook_backlog gauge");
    expect(before).toContain('herald_status_webhook_backlog{endpoint="whe_env"} 0');
    expect(before).toContain('herald_status_webhook_oldest_age_seconds{endpoint="whe_env"} 0');
    expect(before).toContain('herald_metrics_source_up{source="postgres"} 1');

    // As the notifications triggers record changes while the receiver is down.
    await configureStatusWebhooks(api.deps.db, ["SENT"]);
    await api.db.sql`insert into status_webhook_changes (notification_id, status, at)
      values ('ntf_m1', 'SENT', now() - interval '120 seconds'), ('ntf_m2', 'SENT', now() - interval '5 seconds')`;
    const after = await scrape();
    expect(value(after, "herald_status_webhook_backlog")).toBe(2);
    const age = value(after, "herald_status_webhook_oldest_age_seconds");
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(130);
    // An endpoint of the API has its own samples.
    const endpoint = await createWebhookEndpoint(api.deps.db, {
      url: "https://hooks.example.com/h",
      statuses: ["SENT"],
      secret: "whsec_x",
    });
    await api.db.sql`insert into status_webhook_changes (endpoint_id, notification_id, status, at)
      values (${endpoint.id}, 'ntf_m1', 'SENT', now() - interval '60 seconds')`;
    const third = await scrape();
    expect(value(third, "herald_status_webhook_backlog", endpoint.id)).toBe(1);
    expect(value(third, "herald_status_webhook_oldest_age_seconds", endpoint.id)).toBeGreaterThanOrEqual(60);
    expect(value(third, "herald_status_webhook_backlog")).toBe(2);
    await deleteWebhookEndpoint(api.deps.db, endpoint.id);
    await api.db.sql`truncate status_webhook_changes`;
  });

  it("counts this process's requests by method, route pattern and status, with their durations", async () => {
    const scrape = async () => {
      const res = await api.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      expect(prometheusFormatProblems(text)).toEqual([]);
      return text;
    };
    // A series' value, 0 while it is absent.
    const count = (text: string, series: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1) ?? 0,
      );
    const get = 'herald_api_http_requests_total{method="GET",route="/v1/users/:userId",status="404"}';
    const put = 'herald_api_http_requests_total{method="PUT",route="/v1/users/:userId",status="200"}';
    const durations =
      'herald_api_http_request_duration_seconds_count{method="GET",route="/v1/users/:userId"}';
    const before = await scrape();
    expect((await api.call("GET", "/v1/users/nobody%40example.com")).status).toBe(404);
    expect((await api.call("GET", "/v1/users/nobody-else")).status).toBe(404);
    expect((await api.call("PUT", "/v1/users/metered", { locale: "en" })).status).toBe(200);
    const after = await scrape();
    expect(count(after, get) - count(before, get)).toBe(2);
    expect(count(after, put) - count(before, put)).toBe(1);
    expect(count(after, durations) - count(before, durations)).toBe(2);
    expect(after).toContain("# TYPE herald_api_http_request_duration_seconds histogram");
    expect(after).toMatch(
      /herald_api_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/users\/:userId",le="\+Inf"\} \d+/,
    );
    // Patterns, never paths: no user id in any label.
    expect(after).not.toContain("nobody");
  });

  it("the tracking routes are in the OpenAPI document, webhooks and links without the API key", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    for (const path of [
      "/v1/stats",
      "/v1/webhooks/resend",
      "/v1/webhooks/twilio",
      "/t/o/{token}",
      "/t/c/{token}",
      "/metrics",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths["/v1/webhooks/resend"].post.security).toEqual([]);
    expect(doc.paths["/t/c/{token}"].get.security).toEqual([]);
  });
});
