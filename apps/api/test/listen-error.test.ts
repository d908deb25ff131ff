import { resolve } from "node:path";
import { occupiedPort, runToExit, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";

const API_MAIN = resolve(import.meta.dirname, "../src/main.ts");

describe("the API process when it cannot listen", () => {
  it("exits 78 with what to fix when its port is taken, instead of a stack trace and a restart loop", async () => {
    const db = await testDatabase();
    const taken = await occupiedPort();
    try {
      const { code, output } = await runToExit(process.execPath, ["--import", "tsx", API_MAIN], {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL: testRedisUrl(),
          QUEUE_PREFIX: testQueuePrefix(),
          MIGRATE_ON_START: "false",
          NODE_ENV: "test",
          HOST: "127.0.0.1",
          PORT: String(taken.port),
        },
      });
      expect(code).toBe(78);
      expect(output).toContain(
        `port ${taken.port} is already in use (127.0.0.1:${taken.port}): stop what listens there, or set PORT to a free port`,
      );
      expect(output).not.toContain("Unhandled 'error' event");
    } finally {
      taken.close();
      await db.drop();
    }
  }, 60_000);
});
