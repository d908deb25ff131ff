import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createTestApi } from "./test-api.ts";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("/readyz", () => {
  it("says Redis is unreachable in words, not in ioredis' option names", async () => {
    const api = await createTestApi({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const res = await api.call("GET", "/readyz", undefined, { authorization: "" });
      expect(res.status).toBe(503);
      expect(res.body.status).toBe("unavailable");
      expect(res.body.checks.postgres.ok).toBe(true);
      expect(res.body.checks.redis).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^unreachable|ECONNREFUSED/),
      });
      expect(res.body.checks.redis.error).not.toMatch(/enableOfflineQueue|Stream isn't writeable/);
    } finally {
      await api.close();
    }
  });
});
