import {
  addTopicSubscribers,
  DEFAULT_PREFERENCES,
  fanoutSummary,
  getEvent,
  getRecipient,
  insertEvents,
  listUserEvents,
  savePreferences,
  sql,
  upsertDevice,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { verifyUnsubscribeToken } from "@herald/unsubscribe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeFanoutPage } from "../src/router/fanout-page.ts";
import { routeEvent } from "../src/router/route-event.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const SUBSCRIBERS = 5000;
const SECRET = "a-test-secret-of-some-length";
const PAGE = 500;

/** Subscribes `n` users with an e-mail address, 1,000 per call like the API. */
async function subscribe(w: TestWorker, topic: string, prefix: string, n: number) {
  for (let i = 0; i < n; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
      userId: `${prefix}-${i + k}`,
      fields: { email: `${prefix}-${i + k}@example.com` },
    }));
    await addTopicSubscribers(w.deps.db, topic, batch);
  }
}

async function topicEvent(w: TestWorker, topic: string): Promise<string> {
  const [row] = await insertEvents(w.deps.db, [
    { type: "weekly_promo", userId: null, topic, data: catalog.weekly_promo.example, priority: "low" },
  ]);
  return row!.event.id;
}

async function countsOf(w: TestWorker, eventId: string) {
  const [row] = await w.deps.db.execute<{
    total: number;
    distinct: number;
    open: number;
    outbox: number;
  }>(sql`
    select count(*)::int as total,
           count(distinct (recipient_id, channel))::int as distinct,
           count(*) filter (where status in ('PENDING','QUEUED'))::int as open,
           (select count(*)::int from outbox_messages o join notifications m on m.id = o.notification_id
             where m.event_id = ${eventId}) as outbox
    from notifications where event_id = ${eventId}`);
  return row!;
}

describe("fan-out to a topic", () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await createTestWorker({
      FANOUT_PAGE_SIZE: String(PAGE),
      PUBLIC_URL: "https://herald.example",
      UNSUBSCRIBE_SECRET: SECRET,
    });
  });
  afterAll(() => w.close());

  it("creates one notification per subscriber × channel in pages, respects opt-outs and sends them all", async () => {
    await subscribe(w, "promo", "fan", SUBSCRIBERS);
    const optedOut = (await getRecipient(w.deps.db, "fan-17"))!;
    await savePreferences(w.deps.db, optedOut.id, {
      ...DEFAULT_PREFERENCES,
      categories: { marketing: { enabled: false } },
    });
    for (const userId of ["fan-100", "fan-2500", "fan-4999"]) {
      const r = (await getRecipient(w.deps.db, userId))!;
      await upsertDevice(w.deps.db, r.id, {
        kind: "webpush",
        address: `https://push.example.com/${userId}`,
        keys: { p256dh: "p", auth: "a" },
      });
    }
    // Subscribed after the event was accepted: not part of its audience.
    const eventId = await topicEvent(w, "promo");
    await subscribe(w, "promo", "late", 3);
    await w.deps.queues.add("events", "route", { eventId }, { jobId: eventId, priority: PRIORITY_RANK.low });

    const event = await eventually(async () => {
      const e = await getEvent(w.deps.db, eventId);
      return e?.status === "routed" ? e : null;
    }, 60_000);
    expect(event.fanoutPages).toBe(SUBSCRIBERS / PAGE + 1);
    expect(await fanoutSummary(w.deps.db, eventId)).toEqual({
      pages: SUBSCRIBERS / PAGE + 1,
      pagesDone: SUBSCRIBERS / PAGE + 1,
      recipients: SUBSCRIBERS,
      notifications: SUBSCRIBERS - 1 + 3,
      skipped: { opted_out: 2, unreachable: SUBSCRIBERS - 1 - 3 },
    });
    const counts = await countsOf(w, eventId);
    expect(counts.total).toBe(SUBSCRIBERS - 1 + 3);
    expect(counts.distinct).toBe(counts.total);
    const [fan17] = await w.deps.db.execute<{ n: number }>(
      sql`select count(*)::int as n from notifications where event_id = ${eventId} and recipient_id = ${optedOut.id}`,
    );
    expect(fan17!.n).toBe(0);
    // Support finds it on fan-17's page, with why; the only subscriber kept as a miss.
    const [missed] = await listUserEvents(w.deps.db, "fan-17", { sentNothing: true }, 10);
    expect(missed).toMatchObject({
      id: eventId,
      topic: "promo",
      notificationCount: 0,
      suppressed: [
        { channel: "email", reason: "opted_out" },
        { channel: "push", reason: "opted_out" },
      ],
    });
    expect(await listUserEvents(w.deps.db, "fan-18", { sentNothing: true }, 10)).toEqual([]);
    const [misses] = await w.deps.db.execute<{ n: number }>(
      sql`select count(*)::int as n from fanout_misses where event_id = ${eventId}`,
    );
    expect(misses!.n).toBe(1);
    const [late] = await w.deps.db.execute<{ n: number }>(
      sql`select count(*)::int as n from notifications where event_id = ${eventId} and user_id like 'late-%'`,
    );
    expect(late!.n).toBe(0);
    // Every notification sent through the dev outbox, once.
    const sent = await eventually(async () => {
      const c = await countsOf(w, eventId);
      return c.open === 0 && c.outbox === c.total ? c : null;
    }, 60_000);
    expect(sent.outbox).toBe(SUBSCRIBERS - 1 + 3);
    // Renders are shared within a page, yet every e-mail carries its own recipient's unsubscribe link.
    const mails = await w.deps.db.execute<{ recipient_id: string; content: Record<string, unknown> }>(sql`
      select m.recipient_id, o.content from outbox_messages o join notifications m on m.id = o.notification_id
      where m.event_id = ${eventId} and m.channel = 'email' order by m.id limit 40`);
    expect(mails.length).toBe(40);
    for (const mail of mails) {
      const headers = mail.content.headers as Record<string, string>;
      const url = /^<(https:\/\/herald\.example\/unsubscribe\/[A-Za-z0-9_.-]+)>$/.exec(
        headers["List-Unsubscribe"]!,
      )![1]!;
      expect(mail.content.html).toContain(url);
      expect(verifyUnsubscribeToken(SECRET, url.split("/").pop()!)).toEqual({
        recipientId: mail.recipient_id,
        categories: ["marketing"],
      });
    }
  }, 180_000);
});

describe("a retried fan-out page", () => {
  let w: TestWorker;
  beforeAll(async () => {
    // No `events` consumer: the test runs the route and page steps itself.
    w = await createTestWorker({ FANOUT_PAGE_SIZE: "100", WORKER_CHANNELS: "email,push" });
  });
  afterAll(() => w.close());

  it("creates no duplicates when a page runs twice at once, or again after a crash before it recorded itself", async () => {
    await subscribe(w, "retry", "r", 250);
    const eventId = await topicEvent(w, "retry");
    expect(await routeEvent(w.deps, eventId)).toEqual({ pages: 3 });
    // Planning again (a re-run route job, the reconciler) keeps the plan and adds no job twice.
    expect(await routeEvent(w.deps, eventId)).toEqual({ pages: 3 });
    const pageJobs = await w.deps.queues.get("events").getJobs(["prioritized", "waiting"]);
    expect(pageJobs.filter((j) => j.name === "fanout_page").map((j) => j.id)).toHaveLength(3);

    // A stalled page taken over while its first run is still going.
    const [a, b] = await Promise.all([
      routeFanoutPage(w.deps, eventId, 0),
      routeFanoutPage(w.deps, eventId, 0),
    ]);
    expect(a.notifications).toBe(100);
    expect(b.notifications).toBe(100);
    await routeFanoutPage(w.deps, eventId, 1);
    // A crash after the rows were written, before the page was recorded as done.
    await w.deps.db.execute(
      sql`update fanout_pages set done_at = null, counts = null where event_id = ${eventId} and page = 1`,
    );
    expect((await routeFanoutPage(w.deps, eventId, 1)).notifications).toBe(100);
    expect((await getEvent(w.deps.db, eventId))?.status).toBe("accepted");
    const last = await routeFanoutPage(w.deps, eventId, 2);
    expect(last).toMatchObject({ recipients: 50, notifications: 50, eventDone: true });
    expect((await getEvent(w.deps.db, eventId))?.status).toBe("routed");
    // A retry after the event is done changes nothing.
    await routeFanoutPage(w.deps, eventId, 2);

    const counts = await countsOf(w, eventId);
    expect(counts).toMatchObject({ total: 250, distinct: 250 });
    expect((await fanoutSummary(w.deps.db, eventId)).notifications).toBe(250);
    // Each notification's send job exists once (job id = notification id) and sends once.
    const sent = await eventually(async () => {
      const c = await countsOf(w, eventId);
      return c.open === 0 && c.outbox === 250 ? c : null;
    }, 30_000);
    expect(sent.outbox).toBe(250);
  }, 60_000);
});
