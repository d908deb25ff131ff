import { randomBytes } from "node:crypto";
import { loadApiEnv, type RunningApi, startApi } from "@herald/api";
import { type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import {
  createWorkerDeps,
  loadWorkerEnv,
  type RunningWorkers,
  startWorkers,
  type WorkerDeps,
  type WorkerDepsOverrides,
} from "@herald/worker";

export interface Herald {
  url: string;
  apiKey: string;
  db: TestDatabase;
  prefix: string;
  redisUrl: string;
  api: RunningApi;
  worker: { deps: WorkerDeps; running: RunningWorkers } | null;
  /** `fetch` against the API with the admin key; JSON bodies are encoded. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface StartHeraldOptions {
  /** Start in-process workers too. Default true. */
  workers?: boolean;
  workerEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
  overrides?: WorkerDepsOverrides;
}

/**
 * A whole Herald for one test file: API on a free port and (optionally)
 * workers, in this process, on a fresh database and a unique queue prefix.
 * Retries are shortened so failure paths run in milliseconds.
 */
export async function startHerald(options: StartHeraldOptions = {}): Promise<Herald> {
  const db = await testDatabase();
  const prefix = testQueuePrefix();
  const redisUrl = testRedisUrl();
  const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
  const common = {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: "false",
    NODE_ENV: "test",
  };
  const api = await startApi(
    loadApiEnv({ ...common, HERALD_API_KEY: apiKey, PORT: "0", HOST: "127.0.0.1", ...options.apiEnv }),
  );
  let worker: Herald["worker"] = null;
  if (options.workers !== false) {
    const env = loadWorkerEnv({
      ...common,
      RETRY_SCHEDULE: "0,50ms,100ms,150ms",
      PUBLIC_URL: api.url,
      ...options.workerEnv,
    });
    const deps = createWorkerDeps(env, options.overrides);
    worker = { deps, running: startWorkers(deps) };
  }
  const call: Herald["call"] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${api.url}${path}`, {
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
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    url: api.url,
    apiKey,
    db,
    prefix,
    redisUrl,
    api,
    worker,
    call,
    async close() {
      if (worker) {
        await worker.running.close();
        await worker.deps.close();
      }
      await api.close();
      await db.drop();
    },
  };
}
