import { getNotification, getTimeline, type NotificationRow } from "@herald/db";
import { type FakeResend, type FakeSmtp, startFakeResend, startFakeSmtp } from "@herald/fakes";
import {
  type DatabaseRelay,
  eventually,
  type FaultStack,
  startDatabaseRelay,
  startFaultStack,
  type WorkerProcess,
} from "@herald/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StackClient, stackClient } from "./stack-client.ts";

/**
 * Real worker processes with `EMAIL_PROVIDERS=resend,smtp` killed with
 * SIGKILL while Resend may have their e-mails, and the worker taking the job
 * over meeting Resend failing for now: the e-mail must not go out a second
 * time through SMTP.
 */

let stack: FaultStack;
let client: StackClient;
let resend: FakeResend;
let smtp: FakeSmtp;
/** A TCP relay in front of the fake Resend: `cut()` makes it refuse connections (provably never sent). */
let resendGate: DatabaseRelay;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startFaultStack("email-crash");
  client = stackClient(stack);
  resend = await startFakeResend({ apiKey: "re_test_key" });
  smtp = await startFakeSmtp();
  resendGate = await startDatabaseRelay(resend.url);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  await resendGate.restore();
  resend.reset();
  smtp.reset();
});
afterAll(async () => {
  client?.close();
  await resendGate?.close();
  await resend?.close();
  await smtp?.close();
  await stack?.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  EMAIL_PROVIDERS: "resend,smtp",
  RESEND_API_KEY: "re_test_key",
  RESEND_BASE_URL: resendGate.url.replace(/\/$/, ""),
  SMTP_URL: smtp.smtpUrl,
  EMAIL_FROM: "Herald <notifications@herald.test>",
  WORKER_CHANNELS: "events,email",
  // Longer than Resend holds the answer below: the worker is killed inside the call.
  PROVIDER_TIMEOUT_MS: "20000",
  // Time to watch the attempts Resend refuses, and to let it recover in between.
  EMAIL_RETRY_SCHEDULE: "0,1s,1s,1s,1s,1s",
  ...extra,
});

async function spawn(extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const worker = await stack.spawnWorker(env(extra));
  workers.push(worker);
  return worker;
}

async function killed(worker: WorkerProcess): Promise<void> {
  await worker.kill();
  expect((await worker.exited).signal).toBe("SIGKILL");
}

const row = async (id: string) => (await getNotification(stack.db.db, id))!;
const statuses = async (id: string) => (await getTimeline(stack.db.db, id)).map((t) => t.status);
/** Waits until each row has `count` failed attempts (Resend refusing it), or was sent anyway (through SMTP: the bug). */
async function refusedTimes(ids: string[], count: number): Promise<void> {
  await eventually(async () => {
    const all = await Promise.all(ids.map(statuses));
    return all.every((s) => s.includes("SENT") || s.filter((x) => x === "FAILED").length >= count);
  }, 30_000);
  expect(smtp.received).toHaveLength(0);
  for (const id of ids) expect(await client.status(id)).toBe("FAILED");
}
const sentRows = (ids: string[]) =>
  eventually(async () => {
    const rows = await Promise.all(ids.map(row));
    return rows.every((n) => n.status === "SENT") ? rows : null;
  }, 40_000);
/**
 * Waits until no in-flight note is left: a send clears its note right after its SENT write
 * commits, so the row can read SENT a moment before the note is gone.
 */
const notesCleared = () =>
  eventually(async () => {
    const left = await client.redis.keys("herald:{in-flight:*");
    if (left.length > 0) throw new Error(`in-flight notes left: ${left.join(", ")}`);
    return true;
  }, 10_000);

/** Each row is SENT with the id Resend gave its e-mail the first time, and its timeline says it was pinned there. */
async function sentOnceThroughResend(rows: NotificationRow[]) {
  const accepted = resend.accepted();
  expect(accepted).toHaveLength(rows.length);
  expect(smtp.received).toHaveLength(0);
  for (const n of rows) {
    const mine = accepted.find((r) => r.body.tags?.some((t) => t.value === n.id));
    expect([n.provider, n.providerMessageId, n.ambiguousProvider]).toEqual(["resend", mine!.id, "resend"]);
    const sent = (await getTimeline(stack.db.db, n.id)).filter((t) => t.status === "SENT");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.detail).toMatchObject({ provider: "resend", pinned: true });
  }
}

describe("an e-mail worker killed while Resend may have the e-mail", () => {
  it("a send job: the next worker keeps it with Resend through Resend's 503s; SMTP gets nothing", async () => {
    // Resend takes the e-mail and holds its answer: the worker dies waiting for it.
    resend.spoilAnswers({ delayMs: 10_000, times: 1 });
    const doomed = await spawn();
    const n = await client.emailOf(await client.trigger("crash-single"));
    await resend.waitFor(1, 20_000);
    await killed(doomed);
    expect(await client.status(n.id)).toBe("QUEUED");

    resend.failWith({ status: 503, times: 2 });
    await spawn();
    const [sent] = await sentRows([n.id]);
    await sentOnceThroughResend([sent!]);
    // Asked again under the same key each time: two 503s, then Resend's replay of its first answer.
    expect(resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [200, n.id],
      [503, n.id],
      [503, n.id],
      [200, n.id],
    ]);
    expect(await statuses(n.id)).toEqual(["PENDING", "QUEUED", "FAILED", "FAILED", "SENT"]);
    await notesCleared();

    // Later e-mails are sent as usual by the same worker: a Resend 503 fails over to SMTP.
    resend.failWith({ status: 503, times: 1 });
    const m = await client.emailOf(await client.trigger("after-crash"));
    const [later] = await sentRows([m.id]);
    expect([later!.provider, later!.ambiguousProvider, later!.retryCount]).toEqual(["smtp", null, 0]);
    expect(smtp.received).toHaveLength(1);
    await notesCleared();
  }, 120_000);

  it("a send batch: its e-mails stay with Resend under the request's key while Resend refuses connections", async () => {
    resend.spoilAnswers({ delayMs: 10_000, times: 1 });
    const doomed = await spawn();
    const eventIds = await client.triggerGroup(["crash-b1", "crash-b2", "crash-b3"]);
    const rows = await Promise.all(eventIds.map((id) => client.emailOf(id)));
    expect(rows[0]!.sendJob).toMatch(/^snd_/);
    expect(rows.every((r) => r.sendJob === rows[0]!.sendJob)).toBe(true);
    const [first] = await resend.waitFor(3, 20_000);
    const key = first!.idempotencyKey;
    expect(key).toMatch(/^batch-/);
    await killed(doomed);

    await resendGate.cut();
    await spawn();
    const ids = rows.map((r) => r.id);
    await refusedTimes(ids, 2);
    for (const id of ids) expect((await row(id)).ambiguousBatchKey).toBe(key);
    await resendGate.restore();

    await sentOnceThroughResend(await sentRows(ids));
    expect(new Set(resend.received.map((r) => r.idempotencyKey))).toEqual(new Set([key]));
    await notesCleared();
  }, 120_000);

  it("killed after Resend answered, before SENT was written: the next worker still keeps it with Resend", async () => {
    // The doomed worker's PostgreSQL goes through a relay, cut while Resend holds its answer.
    const db = await startDatabaseRelay(stack.databaseUrl);
    try {
      resend.spoilAnswers({ delayMs: 2000, times: 1 });
      const doomed = await spawn({ DATABASE_URL: db.url });
      const n = await client.emailOf(await client.trigger("crash-after-answer"));
      await resend.waitFor(1, 20_000);
      await db.cut();
      await eventually(
        () => doomed.output().includes("PostgreSQL unreachable after the provider accepted"),
        20_000,
      );
      await killed(doomed);
      expect(await client.status(n.id)).toBe("QUEUED");

      await resendGate.cut();
      await spawn();
      await refusedTimes([n.id], 1);
      await resendGate.restore();
      await sentOnceThroughResend(await sentRows([n.id]));
    } finally {
      await db.close();
    }
  }, 120_000);
});
