import { createDashboardUser, getEvent, getTimeline, insertEvents, listEventNotifications } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { readReliabilityCounters } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/** An e-mail provider that is down until `up` is set; counts what it accepted. */
const provider = { up: false, accepted: [] as string[], attempts: 0 };
const email: ChannelSender = {
  channel: "email",
  providers: ["flaky"],
  async send(ctx) {
    provider.attempts++;
    if (ctx.recipient.email?.startsWith("refused")) {
      throw new DeliveryError("permanent", "422 invalid recipient", { provider: "flaky", code: "422" });
    }
    if (!provider.up) {
      throw new DeliveryError("transient", "503 Service Unavailable", { provider: "flaky", code: "503" });
    }
    provider.accepted.push(ctx.notification.id);
    return { provider: "flaky", providerMessageId: `msg-${ctx.notification.id}` };
  },
};

let herald: Herald;
let receiver: WebhookReceiver;
const GROUP_WAIT_MS = 1500;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHerald({
    workerEnv: {
      OPS_ALERT_WEBHOOK_URL: receiver.url,
      OPS_ALERT_GROUP_WAIT_MS: String(GROUP_WAIT_MS),
      OPS_ALERT_INTERVAL_MS: "60000",
    },
    overrides: { senders: { email } },
  });
  await herald.call("PUT", "/v1/users/dl-user", { email: "dl@example.com" });
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

let adminCookie: string | undefined;
/** What Bull Board's "retry" button on a failed job sends, as a signed-in admin. */
async function bullBoardRetry(queueName: string, jobId: string) {
  if (!adminCookie) {
    const admin = { email: "ops@example.com", password: "ops-password-123" };
    await createDashboardUser(herald.db.db, { ...admin, role: "admin" });
    const signIn = await fetch(`${herald.url}/v1/dashboard/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(admin),
    });
    expect(signIn.status).toBe(200);
    adminCookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }
  return fetch(`${herald.url}/admin/queues/api/queues/${encodeURIComponent(queueName)}/${jobId}/retry`, {
    method: "PUT",
    headers: { cookie: adminCookie, origin: herald.url },
  });
}

async function emailNotification(eventId: string) {
  return eventually(async () =>
    (await listEventNotifications(herald.db.db, eventId)).find((n) => n.channel === "email"),
  );
}

async function statusOf(id: string) {
  return (await herald.call("GET", `/v1/notifications/${id}`)).body.status as string;
}

describe("a notification that keeps failing", () => {
  const ids: string[] = [];

  it("ends DEAD after its attempts, and the dead letters fire one aggregated ops alert", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await herald.call("POST", "/v1/events", {
        type: "order_placed",
        userId: "dl-user",
        channels: ["email"],
        data: { ...catalog.order_placed.example, orderId: `DL-${i}` },
      });
      expect(res.status).toBe(202);
      ids.push((await emailNotification(res.body.eventId)).id);
    }
    for (const id of ids) await eventually(async () => (await statusOf(id)) === "DEAD");
    expect(provider.attempts).toBe(5 * 4); // 4 attempts each (the harness' retry schedule)

    const [alert] = await eventually(() => (receiver.received.length > 0 ? receiver.received : null), 15_000);
    expect(alert!.body).toMatchObject({
      type: "herald.dead_letters",
      count: 5,
      byChannel: { email: 5 },
      byType: { order_placed: 5 },
    });
    const body = alert!.body as { samples: { notificationId: string; error: string }[]; text: string };
    expect(body.samples.map((s) => s.notificationId).sort()).toEqual([...ids].sort());
    expect(body.samples[0]!.error).toContain("503");
    expect(body.text).toContain("5 notifications dead-lettered");

    // Grouped: no second alert follows for the same five.
    await new Promise((r) => setTimeout(r, GROUP_WAIT_MS + 500));
    expect(receiver.received).toHaveLength(1);
    const counters = await readReliabilityCounters(herald.worker!.deps.redis, herald.prefix);
    expect(counters).toMatchObject({
      dead_letters_total: 5,
      "dead_letters:channel:email": 5,
      ops_alerts_sent: 1,
    });
  });

  it("lists dead notifications with filters and a cursor", async () => {
    const all = await herald.call("GET", "/v1/dead-letters?channel=email");
    expect(all.status).toBe(200);
    expect(all.body.data.map((n: { id: string }) => n.id).sort()).toEqual([...ids].sort());
    expect(all.body.data[0].lastError).toContain("503");

    const first = await herald.call("GET", "/v1/dead-letters?limit=2");
    const second = await herald.call("GET", `/v1/dead-letters?limit=2&cursor=${first.body.nextCursor}`);
    const third = await herald.call("GET", `/v1/dead-letters?limit=2&cursor=${second.body.nextCursor}`);
    const paged = [...first.body.data, ...second.body.data, ...third.body.data].map((n) => n.id);
    expect(paged.sort()).toEqual([...ids].sort());
    expect(third.body.nextCursor).toBeNull();

    expect((await herald.call("GET", "/v1/dead-letters?channel=sms")).body.data).toEqual([]);
    expect((await herald.call("GET", "/v1/dead-letters?type=weekly_promo")).body.data).toEqual([]);
  });

  it("is retried successfully from the API once the provider recovers", async () => {
    provider.up = true;
    const [one] = ids;
    const res = await herald.call("POST", `/v1/dead-letters/${one}/retry`);
    expect(res.status).toBe(202);
    expect(["QUEUED", "SENT"]).toContain(res.body.status);
    await eventually(async () => (await statusOf(one!)) === "SENT");
    expect(provider.accepted).toEqual([one]);
    const timeline = (await getTimeline(herald.db.db, one!)).map((t) => t.status);
    expect(timeline.slice(-3)).toEqual(["DEAD", "QUEUED", "SENT"]);

    const again = await herald.call("POST", `/v1/dead-letters/${one}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    expect((await herald.call("POST", "/v1/dead-letters/ntf_00000000000000000000000000/retry")).status).toBe(
      404,
    );
  });

  it("retried in Bull Board, starts its attempts afresh and says so in its timeline", async () => {
    const id = ids[1]!;
    const queue = herald.worker!.deps.queues.get("email");
    const retryInBullBoard = () => bullBoardRetry(queue.name, id);

    provider.up = false;
    const attemptsBefore = provider.attempts;
    expect((await retryInBullBoard()).status).toBe(204);
    // BullMQ alone would keep the 4 attempts made and give it a single try.
    await eventually(async () => provider.attempts === attemptsBefore + 4 && (await statusOf(id)) === "DEAD");
    const job = await queue.getJob(id);
    expect(job!.attemptsMade).toBe(4);
    const timeline = await getTimeline(herald.db.db, id);
    const retried = timeline.find((t) => t.status === "QUEUED" && t.detail?.by === "bull-board");
    expect(retried?.detail).toMatchObject({ action: "retry", by: "bull-board" });

    provider.up = true;
    expect((await retryInBullBoard()).status).toBe(204);
    await eventually(async () => (await statusOf(id)) === "SENT");
    expect(provider.accepted.filter((x) => x === id)).toHaveLength(1);
  });

  it("can be discarded, and leaves the dead-letter list", async () => {
    const id = ids[2]!;
    const res = await herald.call("DELETE", `/v1/dead-letters/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: "CANCELED", reason: "discarded" });
    const listed = (await herald.call("GET", "/v1/dead-letters")).body.data.map((n: { id: string }) => n.id);
    expect(listed).not.toContain(id);
    expect(await herald.worker!.deps.queues.get("email").getJob(id)).toBeUndefined();
    // A repeat (a client retrying after a lost answer) gets the same answer.
    const again = await herald.call("DELETE", `/v1/dead-letters/${id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, status: "CANCELED", reason: "discarded" });
  });

  it("retries all dead notifications matching a filter", async () => {
    const none = await herald.call("POST", "/v1/dead-letters/retry", { channel: "sms" });
    expect(none.body).toEqual({ retried: 0, ids: [], more: false });
    const first = await herald.call("POST", "/v1/dead-letters/retry", { channel: "email", limit: 1 });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ retried: 1, ids: [expect.any(String)], more: true });
    const rest = await herald.call("POST", "/v1/dead-letters/retry", { channel: "email" });
    expect(rest.body).toEqual({ retried: 1, ids: [expect.any(String)], more: false });
    // Which ones were queued again, for the caller to follow.
    expect([...first.body.ids, ...rest.body.ids].sort()).toEqual([ids[3], ids[4]].sort());
    for (const id of [ids[3]!, ids[4]!]) await eventually(async () => (await statusOf(id)) === "SENT");
    expect((await herald.call("GET", "/v1/dead-letters")).body.data).toEqual([]);
    expect(provider.accepted.sort()).toEqual([ids[0], ids[1], ids[3], ids[4]].sort());
    const bad = await herald.call("POST", "/v1/dead-letters/retry", { channel: "fax" });
    expect(bad.status).toBe(422);
  });

  it("a permanent failure is retried by an operator once the address is fixed", async () => {
    provider.up = true;
    await herald.call("PUT", "/v1/users/dl-refused", { email: "refused@example.com" });
    const sent = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "dl-refused",
      channels: ["email"],
      data: catalog.order_placed.example,
    });
    const n = await emailNotification(sent.body.eventId);
    await eventually(
      async () => (await herald.call("GET", `/v1/notifications/${n!.id}`)).body.reason === "permanent_error",
    );
    expect(await statusOf(n!.id)).toBe("FAILED");

    await herald.call("PUT", "/v1/users/dl-refused", { email: "fixed@example.com" });
    const retried = await herald.call("POST", `/v1/dead-letters/${n!.id}/retry`);
    expect(retried.status).toBe(202);
    await eventually(async () => (await statusOf(n!.id)) === "SENT");
    expect(provider.accepted).toContain(n!.id);
    // Sent: nothing left to retry.
    const again = await herald.call("POST", `/v1/dead-letters/${n!.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("SENT");
  });

  /**
   * An event of a type this deployment does not know yet (the API would refuse it; a newer
   * version stored it), whose route job failed for good; `fix` then makes it one of a known
   * type, as deploying the type would.
   */
  async function failedRouting() {
    provider.up = true;
    const [row] = await insertEvents(herald.db.db, [
      { type: "order_shipped", userId: "dl-user", data: {}, priority: "normal" },
    ]);
    const eventId = row!.event.id;
    const queue = herald.worker!.deps.queues.get("events");
    await queue.add("route", { eventId }, { jobId: eventId });
    await eventually(async () => (await getEvent(herald.db.db, eventId))?.status === "failed");
    expect(await (await queue.getJob(eventId))!.getState()).toBe("failed");
    const fix = () => herald.db.sql`update events set type = 'order_placed',
      data = ${JSON.stringify(catalog.order_placed.example)}::jsonb where id = ${eventId}`;
    return { eventId, queue, fix };
  }

  /** Its e-mail is sent and the event is routed. */
  async function routedAndSent(eventId: string) {
    const n = await emailNotification(eventId);
    await eventually(async () => (await statusOf(n!.id)) === "SENT");
    expect((await getEvent(herald.db.db, eventId))?.status).toBe("routed");
  }

  it("a route job that failed for good, retried in Bull Board once the cause is fixed, routes its event", async () => {
    const { eventId, queue, fix } = await failedRouting();
    await fix();
    expect((await bullBoardRetry(queue.name, eventId)).status).toBe(204);
    await routedAndSent(eventId);
  });

  it("an event that failed routing, retried through the API once fixed, is routed and sent", async () => {
    const { eventId, fix } = await failedRouting();
    expect((await herald.call("GET", `/v1/events/${eventId}`)).body.error).toContain("order_shipped");
    await fix();
    expect((await herald.call("POST", `/v1/events/${eventId}/retry`)).status).toBe(202);
    await routedAndSent(eventId);
  });

  it("a topic event whose pages failed, retried through the API once fixed, reaches every subscriber", async () => {
    provider.up = true;
    const subscribers = ["dl-sub-1", "dl-sub-2", "dl-sub-3"];
    const added = await herald.call("POST", "/v1/topics/dl-news/subscribers", {
      subscribers: subscribers.map((userId) => ({ userId, email: `${userId}@example.com` })),
    });
    expect(added.status).toBe(200);
    const [row] = await insertEvents(herald.db.db, [
      { type: "order_shipped", userId: null, topic: "dl-news", data: {}, priority: "normal" },
    ]);
    const eventId = row!.event.id;
    const queue = herald.worker!.deps.queues.get("events");
    await queue.add("route", { eventId }, { jobId: eventId });
    // The route job plans the pages; the page jobs fail for good (the type is unknown here).
    await eventually(async () => (await getEvent(herald.db.db, eventId))?.status === "failed");
    const pages = await queue.getJobs(["failed"]);
    expect(pages.some((j) => j.name === "fanout_page" && j.data.eventId === eventId)).toBe(true);
    await herald.db.sql`update events set type = 'weekly_promo',
      data = ${JSON.stringify(catalog.weekly_promo.example)}::jsonb where id = ${eventId}`;
    expect((await herald.call("POST", `/v1/events/${eventId}/retry`)).status).toBe(202);
    // Its failed page jobs run again (not a week later, when BullMQ drops them and a re-plan adds them anew).
    const sent = await eventually(async () => {
      const emails = (await listEventNotifications(herald.db.db, eventId)).filter(
        (n) => n.channel === "email",
      );
      return emails.length === subscribers.length && emails.every((n) => n.status === "SENT") ? emails : null;
    });
    expect(sent).toHaveLength(3);
  });
});
