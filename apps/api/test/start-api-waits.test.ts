import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { freePort } from "@herald/devstack";
import { createLogger } from "@herald/logger";
import { testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { loadApiEnv } from "../src/env.ts";
import { startApi } from "../src/start-api.ts";

/**
 * PostgreSQL "coming up late": a loopback port nothing listens on until
 * `open()`, which then relays every connection to the real server.
 */
async function lateDatabase(realUrl: string) {
  const real = new URL(realUrl);
  const port = await freePort();
  const url = new URL(realUrl);
  url.port = String(port);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    url: url.toString(),
    async open() {
      server = createServer((client) => {
        const upstream = connect(Number(real.port || 5432), real.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("error", () => {});
          s.on("close", () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    },
  };
}

/** A pino logger that keeps what was warned (start-up's "PostgreSQL unreachable" lines). */
function recordingLogger() {
  const warnings: string[] = [];
  const logger = createLogger({ base: { app: "api" } });
  const warn = logger.warn.bind(logger);
  logger.warn = ((fields: unknown, message?: string) => {
    if (message) warnings.push(message);
    return warn(fields as object, message);
  }) as typeof logger.warn;
  return { logger, warnings };
}

describe("the API started before PostgreSQL accepts connections", () => {
  for (const migrate of ["true", "false"]) {
    it(`waits for it and then serves (MIGRATE_ON_START=${migrate})`, async () => {
      const db = await testDatabase();
      const late = await lateDatabase(db.url);
      const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
      const { logger, warnings } = recordingLogger();
      const env = loadApiEnv({
        DATABASE_URL: late.url,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: testQueuePrefix(),
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        HERALD_API_KEY: apiKey,
        MIGRATE_ON_START: migrate,
      });
      let failed: unknown;
      const starting = startApi(env, logger);
      starting.catch((err) => {
        failed = err;
      });
      try {
        await new Promise((r) => setTimeout(r, 1500));
        expect(failed).toBeUndefined();
        expect(warnings).toContain("PostgreSQL unreachable at start-up");
        await late.open();
        const api = await starting;
        try {
          const ready = await fetch(`${api.url}/readyz`);
          expect(ready.status).toBe(200);
          // The bootstrap key was written once PostgreSQL answered.
          const keys = await fetch(`${api.url}/v1/api-keys`, {
            headers: { authorization: `Bearer ${apiKey}` },
          });
          expect(keys.status).toBe(200);
        } finally {
          await api.close();
        }
      } finally {
        await late.close();
        await db.drop();
      }
    });
  }
});
