import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { configureStatusWebhooks, type DbHandle } from "@herald/db";
import { DEFAULT_STATUS_WEBHOOK_STATUSES } from "@herald/domain";
import { type StatusChange, StatusWebhookSchema } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { type TestDatabase, testDatabase, testRedisUrl } from "@herald/testkit";
import { afterEach, expect } from "vitest";
import { createWorkerDeps, type WorkerDeps, type WorkerDepsOverrides } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { type RunningWorkers, startWorkers } from "../src/start-workers.ts";
import type { Delivery } from "./verifying-receiver.ts";
import { startVerifyingReceiver } from "./verifying-receiver.ts";

/**
 * What the calling file's tests start, closed last first after each test
 * (so dispatchers close before the database they use is dropped): push a
 * close function to `cleanups`; `database()` is a fresh database dropped
 * that way.
 */
export function closedAfterEach(): {
  cleanups: (() => Promise<void>)[];
  database(): Promise<TestDatabase>;
  /** A loopback receiver checking signatures with `secret`, closed after the test. */
  receiver(secret: string): ReturnType<typeof startVerifyingReceiver>;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanups.splice(0).reverse()) await close();
  });
  return {
    cleanups,
    async database() {
      const db = await testDatabase();
      cleanups.push(db.drop);
      return db;
    },
    async receiver(secret) {
      const r = await startVerifyingReceiver(secret);
      cleanups.push(r.close);
      return r;
    },
  };
}

/** A logger whose lines the test reads (JSON, one per line). */
export function capturedLogger() {
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

export const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** Fast timings for tests: a 50 ms poll, 1 s retries, a 2 s timeout (a 7 s lease). */
export const FAST = {
  STATUS_WEBHOOK_POLL_INTERVAL: "50ms",
  STATUS_WEBHOOK_RETRY_MAX: "1s",
  STATUS_WEBHOOK_TIMEOUT: "2s",
};

/**
 * A worker process's code serving only `maintenance` (so only the status
 * webhooks and the maintenance jobs), on database `url`.
 */
export function startDispatcher(
  url: string,
  prefix: string,
  env: Record<string, string>,
  overrides: WorkerDepsOverrides = {},
): { running: RunningWorkers; deps: WorkerDeps; close(): Promise<void> } {
  const deps = createWorkerDeps(
    loadWorkerEnv({
      DATABASE_URL: url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      NODE_ENV: "test",
      WORKER_CHANNELS: "maintenance",
      ...FAST,
      ...env,
    }),
    overrides,
  );
  const running = startWorkers(deps);
  return {
    running,
    deps,
    async close() {
      await running.close();
      await deps.close();
    },
  };
}

/**
 * `count` notifications (`ntf_<tag>_<i>`), created QUEUED with recording on,
 * then moved through `statuses` one statement per status, all of them at
 * once: their changes interleave in the outbox as a busy Herald's do.
 * Recorded for STATUS_WEBHOOK_URL (`whe_env`, switched on here) unless
 * `env` is false, and for every enabled endpoint of `webhook_endpoints`.
 */
export async function seedChanges(
  { db, sql }: DbHandle,
  tag: string,
  count: number,
  statuses: string[],
  { env = true }: { env?: boolean } = {},
): Promise<string[]> {
  if (env) await configureStatusWebhooks(db, [...DEFAULT_STATUS_WEBHOOK_STATUSES]);
  const ids = Array.from({ length: count }, (_, i) => `ntf_${tag}_${String(i).padStart(3, "0")}`);
  await sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status, content)
    select x, 'evt_' || x, 'usr_' || x, 'user-' || x, 'order_placed', 'transactional', 'email', 'normal', 'QUEUED', '{}'::json
    from unnest(${ids}::text[]) x`;
  // One statement per row: the changes' sequence then follows `ids` within each status, which tests
  // rely on (which change of a split batch comes last); one statement's rows have no promised order.
  for (const status of statuses)
    for (const id of ids)
      await sql`update notifications set status = ${status}, updated_at = now() where id = ${id}`;
  return ids;
}

/** Changes waiting, of every endpoint or of `endpointId`'s. */
export async function outboxCount({ sql }: DbHandle, endpointId?: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from status_webhook_changes
    where ${endpointId ?? null}::text is null or endpoint_id = ${endpointId ?? null}`;
  return row!.n;
}

/** The batches and what each holds, for a failed assertion to say what it saw. */
export async function describeBatches({ sql }: DbHandle): Promise<string> {
  const rows = await sql`
    select b.id, b.attempts, b.rejections, b.after_batch_id, b.leased_until, b.next_attempt_at, b.created_at,
      (select array_agg(c.notification_id || ':' || c.status order by c.id)
        from status_webhook_changes c where c.batch_id = b.id) as changes
    from status_webhook_batches b order by b.created_at`;
  return JSON.stringify(rows);
}

/** Batches, of every endpoint or of `endpointId`'s. */
export async function batchCount({ sql }: DbHandle, endpointId?: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from status_webhook_batches
    where ${endpointId ?? null}::text is null or endpoint_id = ${endpointId ?? null}`;
  return row!.n;
}

/** The changes of the deliveries the receiver took (2xx), in the order they arrived. */
export function taken(deliveries: Delivery[]): (StatusChange & { webhookId: string })[] {
  return deliveries
    .filter((d) => d.status >= 200 && d.status < 300)
    .flatMap((d) =>
      StatusWebhookSchema.parse(JSON.parse(d.raw)).data.map((c) => ({
        ...c,
        webhookId: d.headers["webhook-id"]!,
      })),
    );
}

/** Every change taken once, and each notification's in `expected` order. */
export function expectOncePerNotification(deliveries: Delivery[], expected: Record<string, string[]>): void {
  const changes = taken(deliveries);
  const sequences = changes.map((c) => c.sequence);
  expect(new Set(sequences).size).toBe(sequences.length);
  const seen: Record<string, string[]> = {};
  for (const c of changes) {
    seen[c.notificationId] ??= [];
    seen[c.notificationId]!.push(c.status);
  }
  expect(seen).toEqual(expected);
  for (const id of Object.keys(seen)) {
    const mine = changes.filter((c) => c.notificationId === id).map((c) => c.sequence);
    expect(mine).toEqual([...mine].sort((a, b) => a - b));
  }
}
