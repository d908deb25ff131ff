import {
  getNotification,
  getPreferences,
  getTimeline,
  insertOutboxMessages,
  loadSendContexts,
  mergePreferences,
  type NotificationRow,
  type PreferencesPatch,
  savePreferences,
  suppressAddress,
  transition,
  updatePreferences,
  upsertRecipient,
} from "@herald/db";
import { eventually } from "@herald/testkit";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDelivery } from "../src/channels/deliver.ts";
import { sendNotification } from "../src/channels/send-notification.ts";
import { type Emit, emit, outboxFor, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/**
 * The router decides on the preferences and suppression list of its moment;
 * a notification it holds (quiet hours, `sendAt`) goes out hours or days
 * later. An opt-out, an unsubscribe or a bounce in between must stop it, as
 * the router would have: the send re-checks, and records SUPPRESSED.
 */

// 23:00 in New York: inside the quiet hours below, which end at 07:00 (12:00 UTC).
const EVENING = "2026-01-15T04:00:00Z";
const MORNING = "2026-01-15T12:00:00Z";
const clock = testClock(EVENING);
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({}, { now: clock.now });
});
afterAll(() => w?.close());

/** A New Yorker with e-mail and phone and quiet hours 22:00–07:00; returns the recipient id. */
async function sleeper(userId: string): Promise<string> {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    phone: "+14155550100",
    timezone: "America/New_York",
  });
  const prefs = await getPreferences(w.deps.db, r.id);
  await savePreferences(
    w.deps.db,
    r.id,
    mergePreferences(prefs, { quietHours: { start: "22:00", end: "07:00" } }),
  );
  return r.id;
}

/** Emits at 23:00 and waits for the router: every notification of the event is held (SCHEDULED). */
async function heldOvernight(e: Emit): Promise<Map<string, NotificationRow>> {
  clock.set(EVENING);
  const { notifications } = await routed(w, await emit(w, e));
  for (const n of notifications) expect([n.channel, n.status]).toEqual([n.channel, "SCHEDULED"]);
  return new Map(notifications.map((n) => [n.channel, n]));
}

/** The morning: BullMQ's delay is wall-clock time, so the test releases the held send jobs itself. */
async function release(rows: Iterable<NotificationRow>): Promise<void> {
  clock.set(MORNING);
  for (const n of rows) await (await w.deps.queues.find(n.channel, n.id))!.promote();
}

/** Waits until the notification's send job has completed (not failed); returns its result. */
async function completed(n: NotificationRow): Promise<unknown> {
  const job = await eventually(async () => {
    const j = await w.deps.queues.find(n.channel, n.id);
    // finishedOn first: a job read just before it completed says "completed" but holds no result yet.
    return j?.finishedOn && (await j.getState()) === "completed" ? j : null;
  });
  expect(job.failedReason).toBeFalsy();
  return job.returnvalue;
}

async function settles(n: NotificationRow, status: string): Promise<NotificationRow> {
  return eventually(async () => {
    const now = await getNotification(w.deps.db, n.id);
    return now?.status === status ? now : null;
  });
}

async function change(recipientId: string, patch: PreferencesPatch): Promise<void> {
  await updatePreferences(w.deps.db, recipientId, patch);
}

describe("a held notification is re-checked when it is sent (single send jobs)", () => {
  it("suppresses a quiet-hours promo whose category the user opted out of overnight", async () => {
    const rid = await sleeper("rc-marketing");
    const rows = await heldOvernight({ type: "weekly_promo", userId: "rc-marketing" });
    const email = rows.get("email")!;
    expect(email.reason).toBe("quiet_hours");

    await change(rid, { categories: { marketing: { enabled: false } } });
    await release(rows.values());

    expect(await completed(email)).toEqual({ status: "SUPPRESSED", reason: "opted_out" });
    expect((await settles(email, "SUPPRESSED")).reason).toBe("opted_out");
    expect((await getTimeline(w.deps.db, email.id)).map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["SCHEDULED", { reason: "quiet_hours" }],
      ["SUPPRESSED", { reason: "opted_out", stage: "send" }],
    ]);
    expect(await outboxFor(w, [email.id])).toEqual([]);
  });

  it("suppresses everything a user held for later when they unsubscribe from all (reason `unsubscribed`, as the router's)", async () => {
    const rid = await sleeper("rc-all");
    clock.set(EVENING);
    // A sendAt three days ahead, at 15:00 New York time: held for the sendAt, not for quiet hours.
    const { notifications } = await routed(
      w,
      await emit(w, {
        type: "order_placed",
        userId: "rc-all",
        channels: ["email", "sms"],
        sendAt: new Date("2026-01-18T20:00:00Z"),
      }),
    );
    expect(notifications.map((n) => [n.status, n.reason])).toEqual([
      ["SCHEDULED", null],
      ["SCHEDULED", null],
    ]);

    await change(rid, { unsubscribedAll: true });
    await release(notifications);

    for (const n of notifications) {
      expect(await completed(n)).toEqual({ status: "SUPPRESSED", reason: "unsubscribed" });
      expect((await settles(n, "SUPPRESSED")).reason).toBe("unsubscribed");
    }
    expect(
      await outboxFor(
        w,
        notifications.map((n) => n.id),
      ),
    ).toEqual([]);
  });

  it("suppresses the e-mail of an address that bounced overnight (`bounced_address`); the SMS still goes", async () => {
    await sleeper("rc-bounce");
    const rows = await heldOvernight({
      type: "order_placed",
      userId: "rc-bounce",
      channels: ["email", "sms"],
    });
    await suppressAddress(w.deps.db, {
      channel: "email",
      address: "RC-Bounce@example.com",
      reason: "bounced",
    });
    await release(rows.values());

    const email = await settles(rows.get("email")!, "SUPPRESSED");
    expect(email.reason).toBe("bounced_address");
    const sms = await settles(rows.get("sms")!, "SENT");
    expect((await outboxFor(w, [email.id, sms.id])).map((m) => m.notification_id)).toEqual([sms.id]);
  });

  // A reschedule to now can record QUEUED between the send's load (SCHEDULED) and its withdrawal.
  it("withdraws one that moved from SCHEDULED to QUEUED after it was loaded: never left QUEUED with its job done", async () => {
    await sleeper("rc-moved");
    const rows = await heldOvernight({ type: "order_placed", userId: "rc-moved", channels: ["email"] });
    const email = rows.get("email")!;
    await suppressAddress(w.deps.db, {
      channel: "email",
      address: "rc-moved@example.com",
      reason: "bounced",
    });
    const loaded = (await loadSendContexts(w.deps.db, [email.id])).get(email.id)!;
    expect(loaded.notification.status).toBe("SCHEDULED");
    expect(await transition(w.deps.db, email.id, "QUEUED", { from: ["SCHEDULED"] })).toBe(true);

    const outcome = await prepareDelivery(w.deps, "email", loaded, {
      attempt: 1,
      maxAttempts: 4,
      interrupted: false,
    });
    expect(outcome).toEqual({ status: "SUPPRESSED", reason: "bounced_address" });
    expect((await getNotification(w.deps.db, email.id))?.status).toBe("SUPPRESSED");
  });

  it("sends a required category (security) after every opt-out, but not to a bounced number, as the router", async () => {
    const rid = await sleeper("rc-security");
    clock.set(EVENING);
    const id = await emit(w, {
      type: "password_reset",
      userId: "rc-security",
      sendAt: new Date("2026-01-15T05:00:00Z"),
    });
    const { notifications } = await routed(w, id);
    const rows = new Map(notifications.map((n) => [n.channel, n]));
    expect([...rows.keys()].sort()).toEqual(["email", "sms"]);
    for (const n of notifications) expect(n.status).toBe("SCHEDULED");
    await change(rid, {
      unsubscribedAll: true,
      channels: { email: false, sms: false },
      categories: { security: { enabled: false } },
      types: { password_reset: { enabled: false } },
    });
    await suppressAddress(w.deps.db, { channel: "sms", address: "+1 (415) 555-0100", reason: "complained" });
    await release(notifications);

    const [email, sms] = [rows.get("email")!, rows.get("sms")!];
    expect(await completed(email)).toEqual({ status: "SENT", provider: "outbox" });
    expect(await outboxFor(w, [email.id])).toHaveLength(1);
    expect((await settles(sms, "SUPPRESSED")).reason).toBe("bounced_address");
    expect(await outboxFor(w, [sms.id])).toEqual([]);
  });

  it("holds in-app to the user's channel switch, as the router does", async () => {
    const rid = await sleeper("rc-inbox");
    clock.set(EVENING);
    const id = await emit(w, {
      type: "payment_failed",
      userId: "rc-inbox",
      sendAt: new Date("2026-01-16T15:00:00Z"),
    });
    const rows = new Map((await routed(w, id)).notifications.map((n) => [n.channel, n]));
    expect([...rows.keys()].sort()).toEqual(["email", "in_app"]);
    await change(rid, { channels: { in_app: false } });
    await release(rows.values());

    expect((await settles(rows.get("in_app")!, "SUPPRESSED")).reason).toBe("opted_out");
    await settles(rows.get("email")!, "SENT");
  });

  it("sends a held notification whose preferences changed in ways that do not concern it", async () => {
    const rid = await sleeper("rc-keep");
    const rows = await heldOvernight({ type: "order_placed", userId: "rc-keep", channels: ["email"] });
    // Saved after the row was written: the re-check runs on them, and must find nothing against it.
    await change(rid, {
      categories: { marketing: { enabled: false } },
      types: { weekly_promo: { channels: { email: false } } },
      channels: { push: false },
    });
    await suppressAddress(w.deps.db, {
      channel: "email",
      address: "someone-else@example.com",
      reason: "bounced",
    });
    await release(rows.values());

    const email = rows.get("email")!;
    expect(await completed(email)).toEqual({ status: "SENT", provider: "outbox" });
    expect(await outboxFor(w, [email.id])).toHaveLength(1);
    expect((await getTimeline(w.deps.db, email.id)).map((t) => t.status)).toEqual([
      "PENDING",
      "SCHEDULED",
      "SENT",
    ]);
  });

  it("after a cut-off run, records SENT what the provider already has, and suppresses what it has not", async () => {
    const rid = await sleeper("rc-cutoff");
    const first = (
      await heldOvernight({ type: "order_placed", userId: "rc-cutoff", channels: ["email"] })
    ).get("email")!;
    const second = (
      await heldOvernight({ type: "order_placed", userId: "rc-cutoff", channels: ["email"] })
    ).get("email")!;
    // The jobs stay out of the running worker's way: the test runs them as a re-run after a crash.
    for (const n of [first, second]) await (await w.deps.queues.find("email", n.id))!.remove();
    await insertOutboxMessages(w.deps.db, [
      { notificationId: first.id, channel: "email", destination: "rc-cutoff@example.com" },
    ]);
    await change(rid, { categories: { transactional: { enabled: false } } });

    const rerun = (n: NotificationRow) =>
      sendNotification(w.deps, "email", {
        data: { notificationId: n.id },
        attemptsMade: 0,
        stalledCounter: 1,
        opts: { attempts: 4 },
      } as unknown as Job);
    expect(await rerun(first)).toEqual({ status: "SENT", provider: "outbox" });
    expect((await getTimeline(w.deps.db, first.id)).at(-1)?.detail).toMatchObject({ recovered: true });
    expect(await rerun(second)).toEqual({ status: "SUPPRESSED", reason: "opted_out" });
    expect(await outboxFor(w, [second.id])).toEqual([]);
  });
});
