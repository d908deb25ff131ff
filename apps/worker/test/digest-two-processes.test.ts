import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  getDigestOfNotification,
  getPreferences,
  insertEvents,
  listEventNotifications,
  mergePreferences,
  savePreferences,
  upsertRecipient,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { createQueues, createRedis, type Queues } from "@herald/jobs";
import { eventually, type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fixture = join(import.meta.dirname, "fixtures", "worker-process.ts");
let db: TestDatabase;
let redis: Redis;
let queues: Queues;
let dir: string;
let clockFile: string;
const children: ChildProcess[] = [];

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (out.includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  db = await testDatabase();
  const prefix = testQueuePrefix();
  redis = createRedis(testRedisUrl(), "worker");
  queues = createQueues(redis, prefix);
  dir = mkdtempSync(join(tmpdir(), "herald-clock-"));
  clockFile = join(dir, "now");
  // Saturday 7 March 2026, 20:00 in New York (EST); the clocks go forward overnight.
  writeFileSync(clockFile, "2026-03-08T01:00:00.000Z");
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    NODE_ENV: "test",
    MIGRATE_ON_START: "false",
    DATABASE_POOL_SIZE: "5",
    TEST_CLOCK_FILE: clockFile,
    LOG_LEVEL: "silent",
  };
  await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  await queues?.close();
  redis?.disconnect();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("daily digest with two worker processes (issue 5, done-when 3)", () => {
  it("ten marketing events produce one e-mail at 09:00 the user's time, listing all ten", async () => {
    const r = await upsertRecipient(db.db, "dana", {
      email: "dana@example.com",
      timezone: "America/New_York",
    });
    await savePreferences(
      db.db,
      r.id,
      mergePreferences(await getPreferences(db.db, r.id), { categories: { marketing: { digest: "daily" } } }),
    );
    const inserted = await insertEvents(
      db.db,
      Array.from({ length: 10 }, (_, i) => ({
        type: "weekly_promo",
        userId: "dana",
        data: {
          headline: `Offer ${i + 1} of ten`,
          body: `Details ${i + 1}`,
          ctaUrl: `https://shop.example.com/${i + 1}`,
        },
        priority: "low",
      })),
    );
    const eventIds = inserted.map((e) => e.event.id);
    // All ten at once: the two processes' routers take them concurrently.
    await queues.addBulk(
      "events",
      eventIds.map((id) => ({
        name: "route" as const,
        data: { eventId: id },
        opts: { jobId: id, priority: PRIORITY_RANK.low },
      })),
    );
    const items = await eventually(async () => {
      const rows = (await Promise.all(eventIds.map((id) => listEventNotifications(db.db, id)))).flat();
      return rows.length === 10 && rows.every((n) => n.status === "DIGESTED") ? rows : null;
    }, 20_000);
    expect(new Set(items.map((n) => n.channel))).toEqual(new Set(["email"])); // push: no device
    expect(new Set(items.map((n) => n.digestId)).size).toBe(1);
    const digest = (await getDigestOfNotification(db.db, items[0]!.digestId!))!;
    expect(digest.flushAt.toISOString()).toBe("2026-03-08T13:00:00.000Z"); // 09:00 EDT
    expect(await db.sql`select count(*)::int as n from digests`).toEqual([{ n: 1 }]);
    const flushJob = (await queues.get("digest").getJob(digest.id))!;
    expect(await flushJob.getState()).toBe("delayed");
    expect(flushJob.delay).toBe(12 * 3_600_000); // 20:00 EST → 09:00 EDT is 12 real hours

    // 09:00 local. Release the window's job, and make the other process try the
    // same flush at the same moment (as its sweeper would): only one may win.
    writeFileSync(clockFile, "2026-03-08T13:00:00.000Z");
    await Promise.all([
      flushJob.promote(),
      queues.add("digest", "flush", { digestId: digest.id }, { jobId: `${digest.id}-again-1` }),
      queues.add("digest", "flush", { digestId: digest.id }, { jobId: `${digest.id}-again-2` }),
    ]);
    await eventually(async () => {
      const counts = await queues
        .get("digest")
        .getJobCounts("completed", "failed", "active", "wait", "prioritized");
      return (counts.completed ?? 0) >= 3 && counts.active === 0 ? counts : null;
    }, 20_000);
    const sent = await eventually(async () => {
      const rows = await db.sql`select id, status, sent_at from notifications where type = 'digest'`;
      return rows.length === 1 && rows[0]!.status === "SENT" ? rows : null;
    }, 20_000);
    expect(new Date(sent[0]!.sent_at).toISOString()).toBe("2026-03-08T13:00:00.000Z");
    await eventually(
      async () => (await queues.get("email").getJobCounts("wait", "active", "prioritized")).active === 0,
    );

    const mails = await db.sql<{ destination: string; content: { subject: string; html: string } }[]>`
      select destination, content from outbox_messages where channel = 'email'`;
    expect(mails).toHaveLength(1);
    expect(mails[0]!.destination).toBe("dana@example.com");
    expect(mails[0]!.content.subject).toBe("Your daily digest: 10 updates");
    for (let i = 1; i <= 10; i++) expect(mails[0]!.content.html).toContain(`Offer ${i} of ten`);
    expect(await db.sql`select status, item_count from digests`).toEqual([
      { status: "sent", item_count: 10 },
    ]);
  }, 90_000);
});
