import { createLogger } from "@herald/logger";
import { createProcessMetrics } from "@herald/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "./health-server.ts";

describe("the worker's health server", () => {
  let server: HealthServer;
  let ready = false;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  beforeAll(async () => {
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent" }),
      readiness: async () => ({ ready, queues: "stub" }),
      metrics: createProcessMetrics("herald_worker_"),
    });
  });
  afterAll(() => server?.close());

  it("answers /healthz while alive and /readyz by the process's readiness", async () => {
    expect((await fetch(url("/healthz"))).status).toBe(200);
    const notYet = await fetch(url("/readyz"));
    expect([notYet.status, await notYet.json()]).toEqual([
      503,
      { status: "unavailable", ready: false, queues: "stub" },
    ]);
    ready = true;
    expect((await fetch(url("/readyz"))).status).toBe(200);
    expect((await fetch(url("/nope"))).status).toBe(404);
    expect((await fetch(url("/healthz"), { method: "POST" })).status).toBe(405);
  });

  it("serves the process's own metrics for Prometheus, event loop delay and memory among them", async () => {
    // The event loop delay histogram needs a moment of samples.
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      "herald_worker_nodejs_eventloop_lag_p99_seconds",
      "herald_worker_process_resident_memory_bytes",
      "herald_worker_process_cpu_seconds_total",
      "herald_worker_nodejs_heap_size_used_bytes",
    ])
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d`, "m"));
  });
});
