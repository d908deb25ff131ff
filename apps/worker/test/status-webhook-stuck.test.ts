import { statusWebhookBacklog } from "@herald/db";
import { eventually, testQueuePrefix } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import {
  crossedStuckThreshold,
  STUCK_BATCH_ALERT_MS,
} from "../src/status-webhooks/status-webhook-dispatcher.ts";
import {
  capturedLogger,
  closedAfterEach,
  newSecret,
  seedChanges,
  startDispatcher,
} from "./status-webhook-kit.ts";
import { startVerifyingReceiver } from "./verifying-receiver.ts";

const { cleanups, database } = closedAfterEach();

describe("a failing status webhook receiver, as the operator sees it", () => {
  it("records each failure's reason and time on the batch: unreachable, then the status answered", async () => {
    const secret = newSecret();
    const r = await startVerifyingReceiver(secret);
    cleanups.push(r.close);
    await r.down();
    const db = await database();
    await seedChanges(db, "why", 2, ["SENT"]);
    const d = startDispatcher(db.url, testQueuePrefix(), {
      STATUS_WEBHOOK_URL: r.url,
      STATUS_WEBHOOK_SECRET: secret,
    });
    cleanups.push(d.close);

    const refused = await eventually(async () => (await statusWebhookBacklog(db.db)).retrying, 15_000);
    expect(refused.lastError).toBe("unreachable: ECONNREFUSED");
    expect(refused.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(refused.since.getTime());
    expect(refused.nextAttemptAt.getTime()).toBeGreaterThan(refused.lastAttemptAt!.getTime());

    r.failNext(1000);
    await r.up();
    const answered = await eventually(async () => {
      const b = (await statusWebhookBacklog(db.db)).retrying;
      return b?.lastError === "answered 500" ? b : null;
    }, 15_000);
    expect(answered.id).toBe(refused.id);
    expect(answered.attempts).toBeGreaterThan(refused.attempts);

    r.failNext(0);
    await eventually(async () => (await statusWebhookBacklog(db.db)).waiting === 0, 15_000);
    expect((await statusWebhookBacklog(db.db)).retrying).toBeNull();
  });

  it(`logs one error line once a batch has failed for ${STUCK_BATCH_ALERT_MS / 60_000} minutes, not one per attempt`, async () => {
    const secret = newSecret();
    const r = await startVerifyingReceiver(secret);
    cleanups.push(r.close);
    r.failNext(1_000_000);
    const db = await database();
    await seedChanges(db, "stuck", 3, ["SENT"]);
    const { lines, logger } = capturedLogger();
    const d = startDispatcher(
      db.url,
      testQueuePrefix(),
      { STATUS_WEBHOOK_URL: r.url, STATUS_WEBHOOK_SECRET: secret },
      { logger },
    );
    cleanups.push(d.close);
    const retrying = await eventually(async () => (await statusWebhookBacklog(db.db)).retrying, 15_000);
    const stuck = () => lines.filter((l) => l.level === "error" && l.msg.includes("has failed every POST"));
    expect(stuck()).toEqual([]);

    // As if its first attempt had been 11 minutes ago (FAST retries come every second at most).
    await db.sql`update status_webhook_batches set created_at = created_at - interval '11 minutes',
      last_attempt_at = last_attempt_at - interval '11 minutes' + interval '2 minutes' where id = ${retrying.id}`;
    await eventually(() => stuck().length === 1, 15_000);
    const attempts = (await statusWebhookBacklog(db.db)).retrying!.attempts;
    await eventually(
      async () => (await statusWebhookBacklog(db.db)).retrying!.attempts >= attempts + 2,
      15_000,
    );
    expect(stuck()).toHaveLength(1);
    expect(stuck()[0]).toMatchObject({ batch: retrying.id, error: "answered 500", changes: 3 });
    // The receiver's address may carry a token: it is not logged.
    expect(JSON.stringify(lines)).not.toContain(r.url);
  });
});

describe("crossedStuckThreshold", () => {
  const since = new Date("2026-11-24T09:00:00Z");
  const at = (min: number) => new Date(since.getTime() + min * 60_000);
  it("is true for the first failure past the threshold only", () => {
    const min = STUCK_BATCH_ALERT_MS / 60_000;
    expect(crossedStuckThreshold({ attempts: 1, since, previousAttemptAt: null, at: at(0) })).toBe(false);
    expect(
      crossedStuckThreshold({ attempts: 9, since, previousAttemptAt: at(min - 5), at: at(min - 0.1) }),
    ).toBe(false);
    expect(crossedStuckThreshold({ attempts: 10, since, previousAttemptAt: at(min - 5), at: at(min) })).toBe(
      true,
    );
    expect(crossedStuckThreshold({ attempts: 11, since, previousAttemptAt: at(min), at: at(min + 5) })).toBe(
      false,
    );
    // A batch taken over after its dispatcher died, failing for the first time past the threshold.
    expect(crossedStuckThreshold({ attempts: 1, since, previousAttemptAt: null, at: at(min + 1) })).toBe(
      true,
    );
  });
});
