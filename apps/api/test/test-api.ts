import { randomBytes } from "node:crypto";
import type { LookupFunction } from "node:net";
import { ensureBootstrapKey } from "@herald/db";
import { createLogger } from "@herald/logger";
import {
  type DatabaseRelay,
  startDatabaseRelay,
  type TestDatabase,
  testDatabase,
  testQueuePrefix,
  testRedisUrl,
} from "@herald/testkit";
import { createApp } from "../src/app.ts";
import { type ApiDeps, createApiDeps } from "../src/deps.ts";
import { loadApiEnv } from "../src/env.ts";

export interface TestApi {
  /** The app itself, for requests `call` cannot make (raw bodies, no API key). */
  app: ReturnType<typeof createApp>;
  deps: ApiDeps;
  db: TestDatabase;
  apiKey: string;
  /** The relay the app reaches PostgreSQL through, with `relay: true`; otherwise null. */
  relay: DatabaseRelay | null;
  /** In-process request (no socket) with the admin key unless `auth` is given. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Reach PostgreSQL through a relay the test can cut (`TestApi.relay`), for outage tests. Default false. */
  relay?: boolean;
  /** The resolver public-only webhook pings ask (`ApiDeps.webhookResolve`). Default `dns.lookup`. */
  webhookResolve?: LookupFunction;
}

/** The API app on a fresh database and queue prefix, without workers. */
export async function createTestApi(
  env: Record<string, string> = {},
  options: TestApiOptions = {},
): Promise<TestApi> {
  const db = await testDatabase();
  const relay = options.relay ? await startDatabaseRelay(db.url) : null;
  const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
  const deps = createApiDeps(
    loadApiEnv({
      DATABASE_URL: relay?.url ?? db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix(),
      NODE_ENV: "test",
      ...env,
    }),
  );
  if (options.webhookResolve) deps.webhookResolve = options.webhookResolve;
  await ensureBootstrapKey(deps.db, apiKey);
  const app = createApp(deps);
  return {
    app,
    deps,
    db,
    apiKey,
    relay,
    async call(method, path, body, headers = {}) {
      const res = await app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // keep text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await deps.close();
      await relay?.close();
      await db.drop();
    },
  };
}

/**
 * Another app on the test API's dependencies whose log lines (info and up,
 * parsed) are collected in `lines`, for tests of what the API logs.
 */
export function loggingApp<L = Record<string, unknown>>(
  api: TestApi,
): { app: ReturnType<typeof createApp>; lines: L[] } {
  const lines: L[] = [];
  const logger = createLogger({
    level: "info",
    destination: { write: (l: string) => lines.push(JSON.parse(l)) },
  });
  return { app: createApp({ ...api.deps, logger }), lines };
}
