import {
  addTopicSubscribers,
  cancelDigestItem,
  type DigestRow,
  getDigestOfNotification,
  getNotification,
  getPreferences,
  getRecipient,
  getRecipientById,
  listDigestItems,
  mergePreferences,
  type NotificationRow,
  openDigest,
  type Preferences,
  savePreferences,
  settleDigests,
  sql,
  updatePreferences,
  upsertInlineRecipient,
  upsertRecipient,
} from "@herald/db";
import { eventually } from "@herald/testkit";
import { verifyUnsubscribeToken } from "@herald/unsubscribe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushDigestWindow, sweepDigests } from "../src/digest/flush-digest.ts";
import { rescheduleDigests } from "../src/digest/reschedule-digests.ts";
import { reconcile } from "../src/reliability/reconcile.ts";
import { emit, outboxFor, reaches, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

// Saturday 7 March 2026, 20:00 in New York (EST). Clocks go forward that night.
const clock = testClock("2026-03-08T01:00:00Z");
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({ PUBLIC_URL: "https://herald.example" }, { now: clock.now });
});
afterAll(() => w.close());

async function subscriber(userId: string, patch: Partial<Preferences>) {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    timezone: "America/New_York",
  });
  await savePreferences(w.deps.db, r.id, mergePreferences(await getPreferences(w.deps.db, r.id), patch));
  return r;
}

const promo = (i: number) => ({
  headline: `Offer number ${i}`,
  body: `Details of offer ${i}`,
  ctaUrl: `https://shop.example.com/offers/${i}`,
});

/** `count` weekly promos to `userId`, one after the other: their e-mail notifications as routed. */
async function promoEmails(userId: string, count: number): Promise<NotificationRow[]> {
  const items: NotificationRow[] = [];
  for (let i = 1; i <= count; i++) {
    const id = await emit(w, { type: "weekly_promo", userId, data: promo(i) });
    items.push((await routed(w, id)).notifications.find((n) => n.channel === "email")!);
  }
  return items;
}

async function digestOf(notificationId: string): Promise<DigestRow> {
  const n = (await getNotification(w.deps.db, notificationId))!;
  return (await getDigestOfNotification(w.deps.db, n.digestId!))!;
}

describe("daily digest", () => {
  it("folds marketing into one e-mail at 09:00 local (DST-safe); critical and transactional go at once", async () => {
    clock.set("2026-03-08T01:00:00Z");
    await subscriber("dana", { categories: { marketing: { digest: "daily" } } });
    const items = await promoEmails("dana", 3);
    expect(items.map((n) => n.status)).toEqual(["DIGESTED", "DIGESTED", "DIGESTED"]);
    expect(new Set(items.map((n) => n.digestId)).size).toBe(1);
    const digest = await digestOf(items[0]!.id);
    // 09:00 EDT on Sunday 8 March: 12 hours after 20:00 EST, not 13.
    expect(digest.flushAt.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    const job = await w.deps.queues.get("digest").getJob(digest.id);
    expect(await job!.getState()).toBe("delayed");
    expect(job!.delay).toBe(12 * 3_600_000);

    // Not digested: a password reset (critical, required) and an order (transactional, instant).
    const reset = await emit(w, { type: "password_reset", userId: "dana" });
    const order = await emit(w, { type: "order_placed", userId: "dana", channels: ["email"] });
    await reaches(w, reset, "email", "SENT");
    await reaches(w, order, "email", "SENT");
    expect(
      await outboxFor(
        w,
        items.map((n) => n.id),
      ),
    ).toEqual([]);

    // 09:00 local: release the flush job (its delay is wall-clock time).
    clock.set("2026-03-08T13:00:00Z");
    await job!.promote();
    const sent = await eventually(async () => {
      const n = await getNotification(w.deps.db, digest.notificationId);
      return n?.status === "SENT" ? n : null;
    });
    expect(sent).toMatchObject({ type: "digest", category: "marketing", channel: "email", priority: "low" });
    expect(sent.sentAt?.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    const [mail] = await outboxFor(w, [sent.id]);
    expect(mail!.destination).toBe("dana@example.com");
    expect(mail!.content.subject).toBe("Your daily digest: 3 updates");
    for (let i = 1; i <= 3; i++) {
      expect(mail!.content.html).toContain(`Offer number ${i}`);
      expect(mail!.content.html).toContain(`https://shop.example.com/offers/${i}`);
    }
    // The digest carries its own one-click unsubscribe for the categories it holds.
    const url = /^<(.+)>$/.exec(mail!.content.headers["List-Unsubscribe"])![1]!;
    expect(url.startsWith("https://herald.example/unsubscribe/")).toBe(true);
    expect(mail!.content.html).toContain(url);
    expect(
      verifyUnsubscribeToken(w.deps.env.policy.unsubscribeSecret, url.split("/").pop()!)?.categories,
    ).toEqual(["marketing"]);
    expect((await listDigestItems(w.deps.db, sent.id)).map((n) => n.status)).toEqual([
      "DIGESTED",
      "DIGESTED",
      "DIGESTED",
    ]);

    // Flushing again (a second process, the sweeper) writes and sends nothing more.
    expect((await flushDigestWindow(w.deps, digest.id)).kind).toBe("already");
    expect(
      (
        await w.db
          .sql`select count(*)::int as n from notifications where type = 'digest' and user_id = 'dana'`
      )[0]!.n,
    ).toBe(1);

    // The next item opens the next day's window.
    const next = await emit(w, { type: "weekly_promo", userId: "dana", data: promo(4) });
    const nextItem = (await routed(w, next)).notifications[0]!;
    expect((await digestOf(nextItem.id)).flushAt.toISOString()).toBe("2026-03-09T13:00:00.000Z");
  });

  it("an item canceled before its digest goes out is left out of it; once it went out, it cannot be", async () => {
    clock.set("2026-03-12T01:00:00Z");
    await subscriber("cora", { categories: { marketing: { digest: "daily" } } });
    const items = await promoEmails("cora", 2);
    const [kept, dropped] = items as [NotificationRow, NotificationRow];
    expect(await cancelDigestItem(w.deps.db, dropped.id, { by: "test" })).toBe(true);
    expect((await getNotification(w.deps.db, dropped.id))!.status).toBe("CANCELED");

    const digest = await digestOf(kept.id);
    clock.set("2026-03-12T14:00:00Z");
    expect((await flushDigestWindow(w.deps, digest.id)).kind).not.toBe("empty");
    expect((await digestOf(kept.id)).itemCount).toBe(1);
    const sent = (await getNotification(w.deps.db, digest.notificationId))!;
    const listed = await listDigestItems(w.deps.db, sent.id);
    expect(listed.map((n) => [n.id, n.status])).toEqual(
      expect.arrayContaining([
        [kept.id, "DIGESTED"],
        [dropped.id, "CANCELED"],
      ]),
    );
    // The window went out: its items can no longer be canceled.
    expect(await cancelDigestItem(w.deps.db, kept.id, { by: "test" })).toBe(false);
    expect((await getNotification(w.deps.db, kept.id))!.status).toBe("DIGESTED");
  });

  it("sends nothing to a user with nothing pending", async () => {
    clock.set("2026-03-10T01:00:00Z");
    await subscriber("ned", { categories: { marketing: { digest: "daily" } } });
    // A window with no items (all withdrawn) flushes to nothing.
    const r = (await upsertRecipient(w.deps.db, "ned", {}))!;
    const empty = await openDigest(w.deps.db, {
      recipientId: r.id,
      userId: "ned",
      channel: "email",
      flushAt: new Date("2026-03-10T13:00:00Z"),
    });
    clock.set("2026-03-11T13:00:00Z");
    expect((await flushDigestWindow(w.deps, empty.id)).kind).toBe("empty");
    await sweepDigests(w.deps);
    const rows = await w.db.sql`select id from notifications where user_id = 'ned'`;
    expect(rows).toEqual([]);
  });

  it("files an item that arrives after its window was flushed into the next window", async () => {
    clock.set("2026-03-12T01:00:00Z"); // 21:00 EDT on the 11th
    const r = await subscriber("ivy", { categories: { marketing: { digest: "daily" } } });
    const closed = await openDigest(w.deps.db, {
      recipientId: r.id,
      userId: "ivy",
      channel: "email",
      flushAt: new Date("2026-03-12T13:00:00Z"),
    });
    expect((await flushDigestWindow(w.deps, closed.id)).kind).toBe("empty");
    const id = await emit(w, { type: "weekly_promo", userId: "ivy", data: promo(1) });
    const item = (await routed(w, id)).notifications[0]!;
    expect(item.status).toBe("DIGESTED");
    expect((await digestOf(item.id)).flushAt.toISOString()).toBe("2026-03-13T13:00:00.000Z");
  });

  it("weekly mode waits for Monday at the user's digest time; critical overrides are never digested", async () => {
    clock.set("2026-03-11T16:00:00Z"); // Wednesday noon in New York
    await subscriber("walt", { categories: { marketing: { digest: "weekly" } }, digestTime: "07:30" });
    const id = await emit(w, { type: "weekly_promo", userId: "walt", data: promo(1) });
    const item = (await routed(w, id)).notifications[0]!;
    expect((await digestOf(item.id)).flushAt.toISOString()).toBe("2026-03-16T11:30:00.000Z"); // Mon 07:30 EDT
    const urgent = await emit(w, {
      type: "weekly_promo",
      userId: "walt",
      data: promo(2),
      priority: "critical",
    });
    expect((await reaches(w, urgent, "email", "SENT")).digestId).toBeNull();

    clock.set("2026-03-16T11:30:00Z");
    const digest = await digestOf(item.id);
    const result = await flushDigestWindow(w.deps, digest.id);
    expect(result.kind).toBe("flushed");
    const sent = await eventually(async () => {
      const n = await getNotification(w.deps.db, digest.notificationId);
      return n?.status === "SENT" ? n : null;
    });
    expect((await outboxFor(w, [sent.id]))[0]!.content.subject).toBe("Your weekly digest: 1 update");
  });

  it("does not send a digest of a category the user turned off since", async () => {
    clock.set("2026-03-20T01:00:00Z");
    const r = await subscriber("otto", { categories: { marketing: { digest: "daily" } } });
    const id = await emit(w, { type: "weekly_promo", userId: "otto", data: promo(1) });
    const item = (await routed(w, id)).notifications[0]!;
    await savePreferences(
      w.deps.db,
      r.id,
      mergePreferences(await getPreferences(w.deps.db, r.id), {
        categories: { marketing: { channels: { email: false } } },
      }),
    );
    const digest = await digestOf(item.id);
    clock.set(digest.flushAt);
    const result = await flushDigestWindow(w.deps, digest.id);
    expect(result.kind).toBe("flushed");
    const n = (await getNotification(w.deps.db, digest.notificationId))!;
    expect([n.status, n.reason]).toEqual(["SUPPRESSED", "opted_out"]);
    expect(await outboxFor(w, [n.id])).toEqual([]);
  });
});

describe("a change of digest time", () => {
  const at18 = async (recipientId: string) =>
    savePreferences(
      w.deps.db,
      recipientId,
      mergePreferences(await getPreferences(w.deps.db, recipientId), { digestTime: "18:00" }),
    );

  it("moves the open window and its flush job; later items join it: one digest", async () => {
    clock.set("2026-03-24T01:00:00Z"); // 21:00 EDT on Monday the 23rd
    const r = await subscriber("tess", { categories: { marketing: { digest: "daily" } } });
    const [first] = await promoEmails("tess", 2);
    const before = await digestOf(first!.id);
    expect(before.flushAt.toISOString()).toBe("2026-03-24T13:00:00.000Z");
    await at18(r.id);
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 1, held: 0 });
    const after = await digestOf(first!.id);
    expect(after.id).toBe(before.id);
    expect(after.flushAt.toISOString()).toBe("2026-03-24T22:00:00.000Z"); // 18:00 EDT
    const job = await w.deps.queues.get("digest").getJob(after.id);
    expect(await job!.getState()).toBe("delayed");
    expect(job!.delay).toBe(21 * 3_600_000);
    const [third] = await promoEmails("tess", 1);
    expect(third!.digestId).toBe(after.notificationId);
    // Asked again with nothing changed: nothing moves.
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 0 });
  });

  it("runs as the digest queue's reschedule job, which the API adds", async () => {
    clock.set("2026-03-26T01:00:00Z");
    const r = await subscriber("vic", { categories: { marketing: { digest: "daily" } } });
    const [item] = await promoEmails("vic", 1);
    await at18(r.id);
    await w.deps.queues.add("digest", "reschedule", { recipientId: r.id });
    await eventually(async () =>
      (await digestOf(item!.id)).flushAt.toISOString() === "2026-03-26T22:00:00.000Z" ? true : null,
    );
  });

  it("a change whose reschedule job was lost is moved by the reconciler, which the change itself marked", async () => {
    clock.set("2026-03-27T01:00:00Z");
    const r = await subscriber("wes", { categories: { marketing: { digest: "daily" } } });
    const [item] = await promoEmails("wes", 1);
    expect((await digestOf(item!.id)).flushAt.toISOString()).toBe("2026-03-27T13:00:00.000Z");
    // What the API writes; the job it then asks for never reaches Redis.
    await updatePreferences(w.deps.db, r.id, { digestTime: "18:00" });
    const marked = (await getRecipientById(w.deps.db, r.id))!.digestsUnsettledSince;
    expect(marked).toBeInstanceOf(Date);
    // Not yet overdue (the reconciler waits RECONCILE_AFTER_MS): nothing asked.
    await w.deps.db.execute(
      sql`update recipients set digests_unsettled_since = ${clock.now().toISOString()}::timestamptz where id = ${r.id}`,
    );
    expect((await reconcile(w.deps)).requeuedDigestMoves).toBe(0);
    // Overdue: asked again, once however many passes run while its job waits (a digest backlog)…
    await w.deps.db.execute(
      sql`update recipients set digests_unsettled_since = '2026-03-26T00:00:00Z' where id = ${r.id}`,
    );
    const digestQueue = w.deps.queues.get("digest");
    await digestQueue.pause();
    expect((await reconcile(w.deps)).requeuedDigestMoves).toBe(1);
    expect((await reconcile(w.deps)).requeuedDigestMoves).toBe(0);
    const waiting = (await digestQueue.getJobs(["waiting", "prioritized"])).filter(
      (j) => j.name === "reschedule" && j.data.recipientId === r.id,
    );
    expect(waiting).toHaveLength(1);
    // …then the window moves and the mark is cleared.
    await digestQueue.resume();
    await eventually(async () =>
      (await digestOf(item!.id)).flushAt.toISOString() === "2026-03-27T22:00:00.000Z" ? true : null,
    );
    await eventually(async () =>
      (await getRecipientById(w.deps.db, r.id))!.digestsUnsettledSince === null ? true : null,
    );
    expect((await reconcile(w.deps)).requeuedDigestMoves).toBe(0);
  });

  it("a time zone change marks the user (PUT, inline event data, topic subscription); the same zone again does not", async () => {
    const db = w.deps.db;
    const unsettled = async (userId: string) => (await getRecipient(db, userId))!.digestsUnsettledSince;
    await upsertRecipient(db, "yan", { timezone: "Europe/Paris" });
    expect(await unsettled("yan")).toBeNull(); // created: no window to move
    await upsertRecipient(db, "yan", { timezone: "Europe/Paris", email: "yan@example.com" });
    expect(await unsettled("yan")).toBeNull();
    const id = (await getRecipient(db, "yan"))!.id;
    // Each tells its caller whom it marked, so the API asks for the move at once.
    expect(await upsertInlineRecipient(db, "yan", { timezone: "Asia/Tokyo" })).toBe(id);
    expect(await unsettled("yan")).toBeInstanceOf(Date);
    await settleDigests(db, id, (await unsettled("yan"))!);
    expect(await unsettled("yan")).toBeNull();
    expect(await upsertInlineRecipient(db, "yan", { timezone: "Asia/Tokyo" })).toBeNull();
    expect(await unsettled("yan")).toBeNull();
    const lima = [{ userId: "yan", fields: { timezone: "America/Lima" } }];
    expect((await addTopicSubscribers(db, "yan-news", lima)).digestsUnsettled).toEqual([id]);
    expect(await unsettled("yan")).toBeInstanceOf(Date);
    await settleDigests(db, id, (await unsettled("yan"))!);
    expect((await addTopicSubscribers(db, "yan-news", lima)).digestsUnsettled).toEqual([]);
    // A mark another transaction left (its job still to run) is not this change's.
    await upsertInlineRecipient(db, "yan", { timezone: "Asia/Tokyo" });
    expect(await upsertInlineRecipient(db, "yan", { email: "yan@example.org" })).toBeNull();
  });

  it("moves a window from when its item is due, not from now: an item sent for Friday stays in Friday's", async () => {
    clock.set("2026-04-07T14:00:00Z"); // Tuesday 10:00 EDT
    const r = await subscriber("fran", { categories: { marketing: { digest: "daily" } } });
    const id = await emit(w, {
      type: "weekly_promo",
      userId: "fran",
      data: promo(1),
      sendAt: new Date("2026-04-10T16:00:00Z"), // Friday noon
    });
    const item = (await routed(w, id)).notifications.find((n) => n.channel === "email")!;
    expect((await digestOf(item.id)).flushAt.toISOString()).toBe("2026-04-11T13:00:00.000Z"); // Saturday 09:00
    // Quiet hours edited on Tuesday: a move is asked for, and this window has no reason to move.
    await savePreferences(
      w.deps.db,
      r.id,
      mergePreferences(await getPreferences(w.deps.db, r.id), {
        quietHours: { start: "22:00", end: "07:00" },
      }),
    );
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 0 });
    expect((await digestOf(item.id)).flushAt.toISOString()).toBe("2026-04-11T13:00:00.000Z");
    // A new digest time moves it within its own day: Friday 18:00, not Tuesday's.
    await at18(r.id);
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 1, held: 0 });
    const moved = await digestOf(item.id);
    expect(moved.flushAt.toISOString()).toBe("2026-04-10T22:00:00.000Z");
    expect((await w.deps.queues.get("digest").getJob(moved.id))!.delay).toBe((3 * 24 + 8) * 3_600_000);
  });

  it("sends a window whose category went back to instant when its items are due, not at the old digest time", async () => {
    clock.set("2026-04-14T14:00:00Z"); // Tuesday 10:00 EDT
    const instant = async (recipientId: string) =>
      savePreferences(
        w.deps.db,
        recipientId,
        mergePreferences(await getPreferences(w.deps.db, recipientId), {
          categories: { marketing: { digest: "instant" } },
        }),
      );
    const ines = await subscriber("ines", { categories: { marketing: { digest: "weekly" } } });
    const [waiting] = await promoEmails("ines", 1);
    const window = await digestOf(waiting!.id);
    expect(window.flushAt.toISOString()).toBe("2026-04-20T13:00:00.000Z"); // Monday 09:00
    await instant(ines.id);
    expect(await rescheduleDigests(w.deps, ines.id)).toEqual({ moved: 1, held: 0 });
    expect((await digestOf(waiting!.id)).flushAt.toISOString()).toBe("2026-04-14T14:00:00.000Z");
    await eventually(async () => ((await digestOf(waiting!.id)).status === "sent" ? true : null));

    // One sent for Friday goes on Friday.
    const ivo = await subscriber("ivo", { categories: { marketing: { digest: "weekly" } } });
    const id = await emit(w, {
      type: "weekly_promo",
      userId: "ivo",
      data: promo(2),
      sendAt: new Date("2026-04-17T16:00:00Z"),
    });
    const friday = (await routed(w, id)).notifications.find((n) => n.channel === "email")!;
    await instant(ivo.id);
    expect(await rescheduleDigests(w.deps, ivo.id)).toEqual({ moved: 1, held: 0 });
    expect((await digestOf(friday.id)).flushAt.toISOString()).toBe("2026-04-17T16:00:00.000Z");
  });

  it("merges the old window into the one items filed since the change opened", async () => {
    clock.set("2026-03-25T01:00:00Z");
    const r = await subscriber("uma", { categories: { marketing: { digest: "daily" } } });
    const old = await promoEmails("uma", 2);
    await at18(r.id);
    // Filed before the reschedule ran: a second window at the new time.
    const [late] = await promoEmails("uma", 1);
    const [oldWindow, newWindow] = [await digestOf(old[0]!.id), await digestOf(late!.id)];
    expect(oldWindow.id).not.toBe(newWindow.id);
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 1, held: 0 });
    for (const n of old)
      expect((await getNotification(w.deps.db, n.id))!.digestId).toBe(newWindow.notificationId);

    clock.set(newWindow.flushAt);
    expect(await flushDigestWindow(w.deps, newWindow.id)).toMatchObject({ kind: "flushed", items: 3 });
    // The old window's job still fires at its time, and finds nothing to send.
    const leftover = await flushDigestWindow(w.deps, oldWindow.id);
    expect(leftover).toMatchObject({ kind: "already", notification: null });
  });
});
