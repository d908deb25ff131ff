import {
  addTopicSubscribers,
  fanoutSummary,
  getDigestOfNotification,
  getNotification,
  getRecipient,
  getTimeline,
  insertEvents,
  type PreferencesPatch,
  updatePreferences,
  upsertRecipient,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushDigestWindow } from "../src/digest/flush-digest.ts";
import { emit, outboxFor, reaches, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/**
 * Marketing and SMS made opt-in, as GDPR/ePrivacy and the TCPA want them:
 * nothing goes out on them until the user said yes, and a yes taken back
 * before a held send is due stops it at send time.
 */
const clock = testClock("2026-03-02T09:00:00Z");
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({ OPT_IN_CATEGORIES: "marketing", OPT_IN_CHANNELS: "sms" }, { now: clock.now });
});
afterAll(() => w?.close());

/** A user with e-mail and phone (no push device); returns the recipient id. */
async function user(userId: string, prefs?: PreferencesPatch): Promise<string> {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    phone: "+14155550100",
  });
  if (prefs) await updatePreferences(w.deps.db, r.id, prefs);
  return r.id;
}

const channelsOf = (rows: { channel: string }[]) => rows.map((r) => r.channel).sort();

describe("an opt-in category (OPT_IN_CATEGORIES=marketing)", () => {
  it("sends nothing to a user who never said yes, then sends once they did", async () => {
    const rid = await user("nora");
    const before = await routed(w, await emit(w, { type: "weekly_promo", userId: "nora" }));
    expect(before.notifications).toEqual([]);
    expect(before.event.suppressed).toEqual([
      { channel: "email", reason: "not_opted_in" },
      { channel: "push", reason: "not_opted_in" },
    ]);

    // What the preferences PUT stores for `{"categories":{"marketing":{"enabled":true}}}`.
    await updatePreferences(w.deps.db, rid, { categories: { marketing: { enabled: true } } });
    const after = await emit(w, { type: "weekly_promo", userId: "nora" });
    const sent = await reaches(w, after, "email", "SENT");
    expect((await outboxFor(w, [sent.id])).map((m) => m.destination)).toEqual(["nora@example.com"]);
    // Push is past consent now, and fails on what it always did: no device.
    expect((await routed(w, after)).event.suppressed).toEqual([{ channel: "push", reason: "unreachable" }]);
    // The transactional order goes without any yes: only marketing is opt-in.
    const order = await routed(
      w,
      await emit(w, { type: "order_placed", userId: "nora", channels: ["email"] }),
    );
    expect(channelsOf(order.notifications)).toEqual(["email"]);
  });

  it("suppresses a scheduled promo (sendAt) whose yes was taken back before it was due, at send time", async () => {
    const rid = await user("sid", { categories: { marketing: { enabled: true } } });
    clock.set("2026-03-02T09:00:00Z");
    const { notifications } = await routed(
      w,
      await emit(w, { type: "weekly_promo", userId: "sid", sendAt: new Date("2026-03-03T09:00:00Z") }),
    );
    expect(notifications.map((n) => [n.channel, n.status])).toEqual([["email", "SCHEDULED"]]);
    const email = notifications[0]!;

    // Cleared, not set to false: unset is no for an opt-in category.
    await updatePreferences(w.deps.db, rid, { categories: { marketing: { enabled: null } } });
    clock.set("2026-03-03T09:00:00Z");
    await (await w.deps.queues.find("email", email.id))!.promote();

    const done = await eventually(
      async () => {
        const n = await getNotification(w.deps.db, email.id);
        return n?.status === "SUPPRESSED" ? n : null;
      },
      { explain: async () => `status ${(await getNotification(w.deps.db, email.id))?.status}` },
    );
    expect(done.reason).toBe("not_opted_in");
    expect((await getTimeline(w.deps.db, email.id)).map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["SCHEDULED", null],
      ["SUPPRESSED", { reason: "not_opted_in", stage: "send" }],
    ]);
    expect(await outboxFor(w, [email.id])).toEqual([]);
  });

  it("suppresses a digest whose items' yes was taken back before it went out", async () => {
    const rid = await user("dora", { categories: { marketing: { enabled: true, digest: "daily" } } });
    clock.set("2026-03-02T10:00:00Z");
    const items = [];
    for (let i = 0; i < 2; i++) {
      const { notifications } = await routed(w, await emit(w, { type: "weekly_promo", userId: "dora" }));
      items.push(notifications.find((n) => n.channel === "email")!);
    }
    expect(items.map((n) => n.status)).toEqual(["DIGESTED", "DIGESTED"]);
    const digest = (await getDigestOfNotification(w.deps.db, items[0]!.digestId!))!;

    await updatePreferences(w.deps.db, rid, { categories: { marketing: { enabled: null } } });
    clock.set(digest.flushAt);
    await flushDigestWindow(w.deps, digest.id);
    const folded = await eventually(
      async () => {
        const n = await getNotification(w.deps.db, digest.notificationId);
        return n?.status === "SUPPRESSED" ? n : null;
      },
      { explain: async () => (await getNotification(w.deps.db, digest.notificationId))?.status },
    );
    expect(folded.reason).toBe("not_opted_in");
    expect(await outboxFor(w, [digest.notificationId])).toEqual([]);
  });

  it("counts the subscribers of a topic who never said yes in fanout.skipped", async () => {
    await addTopicSubscribers(
      w.deps.db,
      "deals",
      ["tia", "tom", "tess"].map((userId) => ({ userId, fields: { email: `${userId}@example.com` } })),
    );
    const tess = (await getRecipient(w.deps.db, "tess"))!;
    await updatePreferences(w.deps.db, tess.id, { types: { weekly_promo: { enabled: true } } });
    const [row] = await insertEvents(w.deps.db, [
      {
        type: "weekly_promo",
        userId: null,
        topic: "deals",
        data: catalog.weekly_promo.example,
        priority: "low",
      },
    ]);
    const eventId = row!.event.id;
    await w.deps.queues.add("events", "route", { eventId }, { jobId: eventId, priority: PRIORITY_RANK.low });

    const { notifications } = await routed(w, eventId);
    expect(notifications.map((n) => [n.userId, n.channel])).toEqual([["tess", "email"]]);
    expect(await fanoutSummary(w.deps.db, eventId)).toMatchObject({
      recipients: 3,
      notifications: 1,
      skipped: { not_opted_in: 4, unreachable: 1 },
    });
  });
});

describe("an opt-in channel (OPT_IN_CHANNELS=sms)", () => {
  const order = async (userId: string) =>
    routed(w, await emit(w, { type: "order_placed", userId, channels: ["email", "sms"] }));

  it("sends no SMS without a yes, and the e-mail as always", async () => {
    await user("sam");
    const { event, notifications } = await order("sam");
    expect(channelsOf(notifications)).toEqual(["email"]);
    expect(event.suppressed).toEqual([{ channel: "sms", reason: "not_opted_in" }]);
  });

  it.each([
    ["for every category", { channels: { sms: true } }],
    ["for the category", { categories: { transactional: { channels: { sms: true } } } }],
    ["for the type", { types: { order_placed: { channels: { sms: true } } } }],
  ] as const)("sends the SMS after a yes %s", async (_, prefs) => {
    const userId = `yes-${Object.keys(prefs)[0]}`;
    await user(userId, prefs as PreferencesPatch);
    const { notifications } = await order(userId);
    expect(channelsOf(notifications)).toEqual(["email", "sms"]);
  });

  it("lets a type's no beat a yes for every category (opted_out, not not_opted_in)", async () => {
    await user("vic", { channels: { sms: true }, types: { order_placed: { channels: { sms: false } } } });
    const { event, notifications } = await order("vic");
    expect(channelsOf(notifications)).toEqual(["email"]);
    expect(event.suppressed).toEqual([{ channel: "sms", reason: "opted_out" }]);
  });
});
