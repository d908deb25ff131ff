import { createApiKey, ensureBootstrapKey, generateApiKey, rotateApiKey } from "@herald/db";
import { createLogger } from "@herald/logger";
import { type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadApiEnv } from "../src/env.ts";
import { startApi } from "../src/start-api.ts";

let db: TestDatabase;
beforeEach(async () => {
  db = await testDatabase();
});
afterEach(() => db.drop());

/** Starts the API with this HERALD_API_KEY and returns what it warned, then stops it. */
async function startWith(key: string) {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = createLogger({ base: { app: "api" } });
  logger.warn = ((fields: Record<string, unknown>, message: string) => {
    warnings.push({ fields, message });
  }) as typeof logger.warn;
  const env = loadApiEnv({
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix(),
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    HERALD_API_KEY: key,
  });
  const api = await startApi(env, logger);
  const status = async (k: string) =>
    (await fetch(`${api.url}/v1/api-keys`, { headers: { authorization: `Bearer ${k}` } })).status;
  return { api, warnings, status };
}

describe("HERALD_API_KEY at start-up", () => {
  it("revokes the bootstrap key of an earlier HERALD_API_KEY and names it by prefix and last four only", async () => {
    const first = generateApiKey();
    const second = generateApiKey();
    await (await startWith(first)).api.close();
    const { api, warnings, status } = await startWith(second);
    try {
      expect(await status(second)).toBe(200);
      expect(await status(first)).toBe(401);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toBe(
        `HERALD_API_KEY changed: revoked the earlier bootstrap key ${first.slice(0, 12)}…${first.slice(-4)}`,
      );
      expect(JSON.stringify(warnings)).not.toContain(first);
    } finally {
      await api.close();
    }
  });

  it("a process still configured with the older key (rolling deploy, restart) revokes nothing newer", async () => {
    const older = generateApiKey();
    const newer = generateApiKey();
    await ensureBootstrapKey(db.db, older);
    expect((await ensureBootstrapKey(db.db, newer)).revoked).toHaveLength(1);
    const { api, warnings, status } = await startWith(older);
    try {
      expect(await status(newer)).toBe(200);
      expect(await status(older)).toBe(401);
      expect(warnings.map((w) => w.message)).toEqual([
        "HERALD_API_KEY names a revoked key: it does not work; set a new one",
      ]);
    } finally {
      await api.close();
    }
  });

  it("leaves the same key, keys rotated from a bootstrap key and keys made otherwise alone", async () => {
    const first = generateApiKey();
    const { row } = await ensureBootstrapKey(db.db, first);
    const rotated = await rotateApiKey(db.db, row.id);
    if (rotated.outcome !== "rotated") throw new Error(rotated.outcome);
    const admin = await createApiKey(db.db, { name: "ops admin", scopes: ["admin"] });
    // Restarted with the same value: nothing to revoke.
    expect((await ensureBootstrapKey(db.db, first)).revoked).toEqual([]);
    const { api, warnings, status } = await startWith(generateApiKey());
    try {
      expect(warnings.filter((w) => w.message.startsWith("HERALD_API_KEY changed"))).toEqual([]);
      expect(await status(rotated.created.key)).toBe(200);
      expect(await status(admin.key)).toBe(200);
    } finally {
      await api.close();
    }
  });
});
