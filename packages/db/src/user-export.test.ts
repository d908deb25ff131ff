import { newId } from "@herald/ids";
import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEvents } from "./events.ts";
import { insertNotifications } from "./notifications.ts";
import { upsertRecipient } from "./recipients.ts";
import { userEventPages, userNotificationPages } from "./user-export.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(() => h?.drop());

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** One event for `userId` and one in-app notification of it to `recipientId`. */
async function notify(userId: string, recipientId: string): Promise<{ eventId: string; id: string }> {
  const [e] = await insertEvents(h.db, [{ type: "order_placed", userId, data: {}, priority: "normal" }]);
  const id = newId("ntf");
  await insertNotifications(h.db, [
    {
      id,
      eventId: e!.event.id,
      recipientId,
      userId,
      type: "order_placed",
      category: "transactional",
      channel: "in_app",
      priority: "normal",
      status: "QUEUED",
      content: { channel: "in_app", title: "t", body: "b" } as never,
    },
  ]);
  return { eventId: e!.event.id, id };
}

describe("a user's export pages", () => {
  it("pages by keyset in id order, each row once, a short page ending it", async () => {
    const r = await upsertRecipient(h.db, "pager", {});
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await notify("pager", r.id));
    const subject = { userId: "pager", recipientId: r.id };
    const pages = await collect(userNotificationPages(h.db, subject, { pageSize: 2 }));
    expect(pages.map((p) => p.map((n) => n.id))).toEqual([
      [made[0]!.id, made[1]!.id],
      [made[2]!.id, made[3]!.id],
      [made[4]!.id],
    ]);
    // Each with its own timeline (the insert's PENDING and QUEUED), not another row's.
    for (const n of pages.flat()) {
      expect(n.timeline.map((t) => [t.notificationId, t.status])).toEqual([
        [n.id, "PENDING"],
        [n.id, "QUEUED"],
      ]);
    }
    const events = await collect(userEventPages(h.db, subject, { pageSize: 5 }));
    // A full last page asks once more and finds nothing: no empty page comes out.
    expect(events.map((p) => p.length)).toEqual([5]);
    expect(events.flat().map((e) => e.id)).toEqual(made.map((m) => m.eventId));
  });

  it("leaves out rows still named by the user id but made for an earlier recipient of it", async () => {
    const earlier = await upsertRecipient(h.db, "reused-earlier", {});
    // An erase cut short between renaming the recipient and renaming its notifications.
    const stale = await notify("reused", earlier.id);
    const now = await upsertRecipient(h.db, "reused", {});
    const fresh = await notify("reused", now.id);
    const pages = await collect(userNotificationPages(h.db, { userId: "reused", recipientId: now.id }));
    expect(pages.flat().map((n) => n.id)).toEqual([fresh.id]);
    expect(pages.flat().map((n) => n.id)).not.toContain(stale.id);
  });

  it("yields nothing for a user with no rows", async () => {
    const r = await upsertRecipient(h.db, "quiet", {});
    expect(await collect(userNotificationPages(h.db, { userId: "quiet", recipientId: r.id }))).toEqual([]);
    expect(await collect(userEventPages(h.db, { userId: "quiet", recipientId: r.id }))).toEqual([]);
  });
});
