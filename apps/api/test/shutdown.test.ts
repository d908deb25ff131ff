import { Agent, request } from "node:http";
import { eventually, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { loadApiEnv } from "../src/env.ts";
import { startApi } from "../src/start-api.ts";

/** One GET through `agent`, with the socket it went over. */
function get(agent: Agent, port: number, path: string) {
  return new Promise<{
    status: number;
    headers: Record<string, unknown>;
    body: string;
    socketClosed: Promise<void>;
  }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body,
          socketClosed: new Promise((r) =>
            req.socket?.destroyed ? r() : req.socket?.once("close", () => r()),
          ),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** An API process on a fresh database, listening on a free loopback port. */
async function listening(env: Record<string, string> = {}) {
  const db = await testDatabase();
  const api = await startApi(
    loadApiEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix(),
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      ...env,
    }),
  );
  return { db, api };
}

describe("an API process shutting down", () => {
  it("answers /readyz 503 and closes each connection after its response, so keep-alive clients do not reuse it", async () => {
    const { db, api } = await listening();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Ready once its Redis client has connected.
      const before = await eventually(async () => {
        const r = await get(agent, api.port, "/readyz");
        return r.status === 200 ? r : null;
      });
      expect(before.headers.connection).toBe("keep-alive");

      // What close() sets first, held here so the answers can be looked at before the listener goes.
      api.deps.lifecycle.closing = true;
      const during = await get(agent, api.port, "/readyz");
      expect(during.status).toBe(503);
      expect(JSON.parse(during.body)).toMatchObject({ status: "unavailable", shuttingDown: true });
      expect(during.headers.connection).toBe("close");
      await during.socketClosed;
      expect((await get(agent, api.port, "/healthz")).headers.connection).toBe("close");
    } finally {
      agent.destroy();
      await api.close();
      await db.drop();
    }
  });

  it("with SHUTDOWN_DRAIN_MS keeps taking new connections while /readyz says 503, then stops listening", async () => {
    const { db, api } = await listening({ SHUTDOWN_DRAIN_MS: "1500" });
    const fresh = () => new Agent({ keepAlive: false });
    try {
      await eventually(async () => (await get(fresh(), api.port, "/readyz")).status === 200);
      const started = Date.now();
      const closed = api.close();
      // A load balancer still sending here meanwhile is served, and told by /readyz to stop.
      const readyz = await get(fresh(), api.port, "/readyz");
      expect(readyz.status).toBe(503);
      expect(JSON.parse(readyz.body)).toMatchObject({ shuttingDown: true });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await get(fresh(), api.port, "/healthz")).status).toBe(200);
      await closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
      await expect(get(fresh(), api.port, "/healthz")).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await db.drop();
    }
  });
});
