import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@herald/logger";
import type { ProcessMetrics } from "@herald/metrics";

export interface Readiness {
  ready: boolean;
  /** Why (not) ready, shown as JSON: per-queue state, Redis, PostgreSQL, draining… */
  [detail: string]: unknown;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Asked on every `/readyz`. */
  readiness(): Promise<Readiness>;
  /** Served at `/metrics` (Prometheus text). Default: no `/metrics`. */
  metrics?: ProcessMetrics;
}

/**
 * A worker process has no HTTP API, so orchestrators get this small server:
 * `/healthz` answers while the process lives; `/readyz` answers 200 only
 * while the process is actually consuming its queues (503 while Redis or
 * PostgreSQL is away, while starting and while draining on SIGTERM);
 * `/metrics` gives the process's own metrics for Prometheus.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return reply(405, { error: "method not allowed" });
    if (path === "/healthz") return reply(200, { status: "ok" });
    if (path === "/readyz") {
      options.readiness().then(
        (r) => reply(r.ready ? 200 : 503, { status: r.ready ? "ready" : "unavailable", ...r }),
        (err) => reply(503, { status: "unavailable", ready: false, error: (err as Error).message }),
      );
      return;
    }
    const metrics = options.metrics;
    if (path === "/metrics" && metrics) {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
          res.end(text);
        },
        (err) => reply(500, { error: (err as Error).message }),
      );
      return;
    }
    reply(404, { error: "not found" });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, "worker health server listening (/healthz, /readyz, /metrics)");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
