import { Writable } from "node:stream";
import {
  addTopicSubscribers,
  fanoutSummary,
  getEvent,
  insertEvents,
  listEventMisses,
  upsertDevice,
  upsertRecipient,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { createLogger } from "@herald/logger";
import { readSharedMetrics } from "@herald/metrics";
import { defineNotification, listNotificationTypes, type NotificationType } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { emit, routed } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const email = (text: string) => ({
  subject: () => text,
  component: () => createElement("p", null, text),
});

// SMS for orders of 100 or more, push for the pro plan; the in-app condition throws on `boom`.
const orderAlert = defineNotification({
  type: "order_alert",
  description: "An order, on the channels its conditions allow",
  category: "transactional",
  priority: "normal",
  schema: z.object({ orderId: z.string(), total: z.number(), boom: z.boolean().optional() }),
  example: { orderId: "A-1", total: 5 },
  templates: {
    email: email("Your order"),
    sms: (d) => `Order ${d.orderId}`,
    push: (d) => ({ title: "Order", body: d.orderId }),
    in_app: (d) => ({ title: "Order", body: d.orderId }),
  },
  conditions: {
    sms: { when: ({ data }) => data.total >= 100, description: "orders of 100 or more" },
    push: { when: ({ user }) => user.properties.plan === "pro", description: "users on the pro plan" },
    in_app: {
      when: ({ data }) => {
        if (data.boom) throw new Error("the inbox rule broke");
        return true;
      },
      description: "unless the rule breaks",
    },
  },
}) as NotificationType;

// Push and in-app at once, the e-mail an hour later if unread, and only for 100 or more;
// a `quiet` event goes on neither push nor in-app.
const invoiceDue = defineNotification({
  type: "invoice_due",
  description: "An invoice is due",
  category: "transactional",
  priority: "high",
  schema: z.object({ amount: z.number(), quiet: z.boolean().optional() }),
  example: { amount: 150 },
  templates: {
    email: email("Invoice due"),
    push: (d) => ({ title: "Invoice due", body: String(d.amount) }),
    in_app: (d) => ({ title: "Invoice due", body: String(d.amount) }),
  },
  escalation: { after: "1h", channels: ["email"] },
  conditions: {
    email: { when: ({ data }) => data.amount >= 100, description: "invoices of 100 or more" },
    push: { when: ({ data }) => !data.quiet, description: "unless quiet" },
    in_app: { when: ({ data }) => !data.quiet, description: "unless quiet" },
  },
}) as NotificationType;

const lines: string[] = [];
let w: TestWorker;
beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  w = await createTestWorker(
    { FANOUT_PAGE_SIZE: "4" },
    {
      catalog: [...listNotificationTypes(), orderAlert, invoiceDue],
      logger: createLogger({ level: "error", destination }),
    },
  );
});
afterAll(() => w.close());

async function customer(userId: string, plan: string) {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    phone: "+14155550100",
    properties: { plan },
  });
  await upsertDevice(w.deps.db, r.id, { kind: "fcm", address: `fcm-token-${userId}-0123456789` });
  return r;
}

const channelsOf = (rows: { channel: string }[]) => rows.map((n) => n.channel).sort();

describe("a type's conditions in routing", () => {
  it("makes no notification on a channel whose condition is false, and lists it on the event as `condition`", async () => {
    await customer("cora", "free");
    const eventId = await emit(w, {
      type: "order_alert",
      userId: "cora",
      data: { orderId: "A-2", total: 50 },
    });
    const { event, notifications } = await routed(w, eventId);
    expect(channelsOf(notifications)).toEqual(["email", "in_app"]);
    expect(event.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "sms", reason: "condition" },
        { channel: "push", reason: "condition" },
      ]),
    );
    expect(event.suppressed).toHaveLength(2);

    await customer("pia", "pro");
    const big = await routed(
      w,
      await emit(w, { type: "order_alert", userId: "pia", data: { orderId: "A-3", total: 150 } }),
    );
    expect(channelsOf(big.notifications)).toEqual(["email", "in_app", "push", "sms"]);
    expect(big.event.suppressed).toEqual([]);
  });

  it("counts a topic event's subscribers left out by a condition in fanout.skipped and lists those who got nothing", async () => {
    const subscribers = ["t-1", "t-2", "t-3", "t-4", "t-5", "t-6"].map((userId, i) => ({
      userId,
      fields: { email: `${userId}@example.com`, properties: { plan: i < 2 ? "pro" : "free" } },
    }));
    await addTopicSubscribers(w.deps.db, "orders", subscribers);
    // Push and SMS only, for 50: SMS fails its condition for all six, push for the four on the free
    // plan; the two pro users have no device.
    const [row] = await insertEvents(w.deps.db, [
      {
        type: "order_alert",
        userId: null,
        topic: "orders",
        data: { orderId: "A-4", total: 50 },
        priority: "normal",
        channels: ["push", "sms"],
      },
    ]);
    const eventId = row!.event.id;
    await w.deps.queues.add(
      "events",
      "route",
      { eventId },
      { jobId: eventId, priority: PRIORITY_RANK.normal },
    );
    const event = await eventually(
      async () => {
        const e = await getEvent(w.deps.db, eventId);
        return e?.status === "routed" ? e : null;
      },
      { explain: async () => `event ${JSON.stringify(await getEvent(w.deps.db, eventId))}` },
    );
    expect(event.status).toBe("routed");
    const fanout = await fanoutSummary(w.deps.db, eventId);
    expect(fanout).toMatchObject({ recipients: 6, notifications: 0 });
    expect(fanout.skipped).toEqual({ condition: 10, unreachable: 2 });
    const misses = await listEventMisses(w.deps.db, eventId, null, 10);
    const byUser = Object.fromEntries(
      misses.map((m) => [m.userId, Object.fromEntries(m.suppressed.map((s) => [s.channel, s.reason]))]),
    );
    expect(byUser).toEqual({
      "t-1": { push: "unreachable", sms: "condition" },
      "t-2": { push: "unreachable", sms: "condition" },
      "t-3": { push: "condition", sms: "condition" },
      "t-4": { push: "condition", sms: "condition" },
      "t-5": { push: "condition", sms: "condition" },
      "t-6": { push: "condition", sms: "condition" },
    });
  });

  it("leaves a channel whose condition throws out as `condition_error`, logs one line without data and counts it", async () => {
    await customer("bo", "pro");
    const eventId = await emit(w, {
      type: "order_alert",
      userId: "bo",
      data: { orderId: "SECRET-ORDER-77", total: 150, boom: true },
    });
    const { event, notifications } = await routed(w, eventId);
    expect(channelsOf(notifications)).toEqual(["email", "push", "sms"]);
    expect(event.suppressed).toEqual([{ channel: "in_app", reason: "condition_error" }]);

    const logged = lines.filter((l) => l.includes(eventId));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({
      level: "error",
      eventId,
      type: "order_alert",
      channel: "in_app",
      condition: "in_app",
      err: "the inbox rule broke",
      recipients: 1,
    });
    expect(logged[0]).not.toContain("SECRET-ORDER-77");
    await w.deps.metrics.flush();
    const metrics = await readSharedMetrics(w.deps.redis, w.deps.env.queuePrefix);
    expect(metrics.conditionErrors).toEqual([{ type: "order_alert", channel: "in_app", value: 1 }]);
  });
});

describe("conditions with escalation", () => {
  it("never plans a held channel whose condition is false", async () => {
    await customer("hal", "free");
    const eventId = await emit(w, { type: "invoice_due", userId: "hal", data: { amount: 50 } });
    const { event, notifications } = await routed(w, eventId);
    expect(channelsOf(notifications)).toEqual(["in_app", "push"]);
    expect(event.suppressed).toEqual([{ channel: "email", reason: "condition" }]);
  });

  it("sends the held channel at once when conditions leave none of the others to read", async () => {
    await customer("ida", "free");
    const eventId = await emit(w, { type: "invoice_due", userId: "ida", data: { amount: 150, quiet: true } });
    const { event, notifications } = await routed(w, eventId);
    expect(notifications.map((n) => [n.channel, n.reason, n.scheduledAt])).toEqual([["email", null, null]]);
    expect(event.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "push", reason: "condition" },
        { channel: "in_app", reason: "condition" },
      ]),
    );
    // The same invoice, not quiet: the e-mail waits an hour behind push and in-app.
    const held = await routed(
      w,
      await emit(w, { type: "invoice_due", userId: "ida", data: { amount: 150 } }),
    );
    const mail = held.notifications.find((n) => n.channel === "email")!;
    expect([mail.status, mail.reason]).toEqual(["SCHEDULED", "escalation"]);
  });
});
