import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { freePort } from "@herald/devstack";
import { testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";

const API_MAIN = resolve(import.meta.dirname, "../src/main.ts");

describe("the API process when it cannot listen", () => {
  it("exits 78 with what to fix when its port is taken, instead of a stack trace and a restart loop", async () => {
    const db = await testDatabase();
    const port = await freePort();
    const squatter = createServer().listen(port, "127.0.0.1");
    await once(squatter, "listening");
    try {
      const api = spawn(process.execPath, ["--import", "tsx", API_MAIN], {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL: testRedisUrl(),
          QUEUE_PREFIX: testQueuePrefix(),
          MIGRATE_ON_START: "false",
          NODE_ENV: "test",
          HOST: "127.0.0.1",
          PORT: String(port),
        },
      });
      let output = "";
      for (const stream of [api.stdout, api.stderr]) stream.on("data", (d) => (output += d));
      const [code] = (await once(api, "exit")) as [number | null];
      expect(code).toBe(78);
      expect(output).toContain(
        `port ${port} is already in use (127.0.0.1:${port}): stop what listens there, or set PORT to a free port`,
      );
      expect(output).not.toContain("Unhandled 'error' event");
    } finally {
      squatter.close();
      await db.drop();
    }
  }, 60_000);
});
