import {
  type DigestRow,
  getDigestOfNotification,
  getNotification,
  getPreferences,
  getTimeline,
  listDigestItems,
  mergePreferences,
  type NotificationRow,
  type Preferences,
  savePreferences,
  upsertRecipient,
} from "@herald/db";
import {
  CatalogError,
  createCatalog,
  defineNotification,
  linkUrl,
  listNotificationTypes,
  type NotificationType,
} from "@herald/templates";
import { eventually } from "@herald/testkit";
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createWorkerDeps } from "../src/deps.ts";
import { flushDigestWindow } from "../src/digest/flush-digest.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { emit, outboxFor, reaches, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

// Catalog entries of this file's own, beside the starter catalog's (whose order_placed is
// transactional too, and has no digest rules).
const shippedSchema = z.object({ orderId: z.string(), carrier: z.string(), trackingUrl: linkUrl() });
type Shipped = z.infer<typeof shippedSchema>;

const mail = (text: (d: Shipped) => string) => ({
  subject: text,
  component: ({ data }: { data: Shipped }) => createElement("p", null, text(data)),
});

function shippedType(digest: NotificationType<typeof shippedSchema>["digest"]) {
  return defineNotification({
    type: "order_shipped",
    description: "An order left the warehouse.",
    category: "transactional",
    priority: "normal",
    schema: shippedSchema,
    example: { orderId: "A-1", carrier: "UPS", trackingUrl: "https://track.example.com/A-1" },
    templates: {
      email: mail((d) => `Order ${d.orderId} shipped`),
      in_app: (d) => ({ title: `Order ${d.orderId} shipped`, body: `With ${d.carrier}.` }),
    },
    ...(digest ? { digest } : {}),
  }) as NotificationType;
}

const orderShipped = shippedType({
  summary: (d, ctx) => ({
    title: `${d.orderId} is on its way with ${d.carrier}`,
    body: `Tracked for ${ctx.properties.name ?? "you"}`,
    url: d.trackingUrl,
  }),
  collapse: { title: (n) => `${n} orders on their way`, atLeast: 3, show: 2 },
});

const shipmentDelayed = defineNotification({
  type: "shipment_delayed",
  description: "A shipment will be late: must not wait for tomorrow morning's digest.",
  category: "transactional",
  priority: "normal",
  schema: z.object({ orderId: z.string(), days: z.number().int() }),
  example: { orderId: "A-1", days: 2 },
  templates: {
    email: {
      subject: (d) => `Order ${d.orderId} is ${d.days} days late`,
      component: ({ data: d }) => createElement("p", null, `Order ${d.orderId} is late`),
    },
    in_app: (d) => ({ title: `Order ${d.orderId} is late`, body: `${d.days} more days.` }),
  },
  digest: { never: true },
}) as NotificationType;

const clock = testClock("2026-03-10T01:00:00Z"); // Monday 21:00 in New York
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker(
    { PUBLIC_URL: "https://herald.example" },
    { now: clock.now, catalog: [...listNotificationTypes(), orderShipped, shipmentDelayed] },
  );
});
afterAll(() => w.close());

async function subscriber(userId: string, patch: Partial<Preferences>) {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    timezone: "America/New_York",
    properties: { name: "Nora" },
  });
  await savePreferences(w.deps.db, r.id, mergePreferences(await getPreferences(w.deps.db, r.id), patch));
  return r;
}

const transactionalDaily = { categories: { transactional: { digest: "daily" as const } } };
const shipped = (i: number) => ({
  orderId: `A-${i}`,
  carrier: "UPS",
  trackingUrl: `https://track.example.com/A-${i}`,
});

async function digestOf(n: NotificationRow): Promise<DigestRow> {
  const row = (await getNotification(w.deps.db, n.id))!;
  return (await getDigestOfNotification(w.deps.db, row.digestId!))!;
}

/** The worker as the next release of the catalog makes it: order_shipped is never digested. */
function releasing() {
  const others = w.deps.catalog.list().filter((d) => d.type !== "order_shipped");
  return { ...w.deps, catalog: createCatalog([...others, shippedType({ never: true })]) };
}

/** The event's notification on `channel` once routed. */
async function routedOn(eventId: string, channel: string): Promise<NotificationRow> {
  return (await routed(w, eventId)).notifications.find((n) => n.channel === channel)!;
}

/** Flushes the window at its time; waits for its digest notification to be sent. */
async function flushSent(window: DigestRow): Promise<NotificationRow> {
  clock.set(window.flushAt);
  expect((await flushDigestWindow(w.deps, window.id)).kind).toBe("flushed");
  return eventually(async () => {
    const n = await getNotification(w.deps.db, window.notificationId);
    return n?.status === "SENT" ? n : null;
  });
}

describe("a type that is never digested", () => {
  it("goes at once, while another type of its category waits for the user's daily digest", async () => {
    clock.set("2026-03-10T01:00:00Z");
    await subscriber("nora", transactionalDaily);
    const delayed = await emit(w, { type: "shipment_delayed", userId: "nora" });
    const order = await emit(w, { type: "order_placed", userId: "nora", channels: ["email", "in_app"] });

    const mailed = await reaches(w, delayed, "email", "SENT");
    expect(mailed.digestId).toBeNull();
    expect((await reaches(w, delayed, "in_app", "SENT")).digestId).toBeNull();
    expect((await outboxFor(w, [mailed.id]))[0]!.content.subject).toBe("Order A-1 is 2 days late");

    const folded = await routedOn(order, "email");
    expect(folded.status).toBe("DIGESTED");
    const window = await digestOf(folded);
    expect(window.flushAt.toISOString()).toBe("2026-03-10T13:00:00.000Z"); // 09:00 EDT
    const digest = await flushSent(window);
    const [sent] = await outboxFor(w, [digest.id]);
    expect(sent!.content.subject).toBe("Your daily digest: 1 update");
    expect(sent!.content.html).toContain("Order A-1042 confirmed");
    expect(sent!.content.html).not.toContain("late");
  });

  it("an item filed before its type said so leaves its window at the flush and goes out alone", async () => {
    clock.set("2026-03-11T01:00:00Z");
    await subscriber("olga", transactionalDaily);
    const early = await emit(w, {
      type: "order_shipped",
      userId: "olga",
      data: shipped(7),
      channels: ["email"],
    });
    const order = await emit(w, { type: "order_placed", userId: "olga", channels: ["email"] });
    const [leaving, staying] = [await routedOn(early, "email"), await routedOn(order, "email")];
    expect([leaving.status, staying.status]).toEqual(["DIGESTED", "DIGESTED"]);
    const window = await digestOf(leaving);
    expect((await digestOf(staying)).id).toBe(window.id);

    // The next release of the catalog says order_shipped is never digested; its flush runs it.
    const released = releasing();
    clock.set(window.flushAt);
    const result = await flushDigestWindow(released, window.id);
    expect(result).toMatchObject({ kind: "flushed", items: 1 });
    if (result.kind !== "flushed") throw new Error("expected flushed");
    expect(result.released.map((n) => [n.id, n.status])).toEqual([[leaving.id, "QUEUED"]]);

    const alone = await eventually(async () => {
      const n = await getNotification(w.deps.db, leaving.id);
      return n?.status === "SENT" ? n : null;
    });
    expect((await outboxFor(w, [alone.id]))[0]!.content.subject).toBe("Order A-7 shipped");
    expect((await getTimeline(w.deps.db, leaving.id)).map((t) => [t.status, t.detail])).toEqual(
      expect.arrayContaining([
        ["QUEUED", { by: "digest", releasedFrom: window.notificationId, why: "type_not_digested" }],
      ]),
    );
    const digest = await eventually(async () => {
      const n = await getNotification(w.deps.db, window.notificationId);
      return n?.status === "SENT" ? n : null;
    });
    const [mailed] = await outboxFor(w, [digest.id]);
    expect(mailed!.content.subject).toBe("Your daily digest: 1 update");
    expect(mailed!.content.html).toContain("Order A-1042 confirmed");
    expect(mailed!.content.html).not.toContain("A-7");
    expect((await listDigestItems(w.deps.db, digest.id)).map((n) => [n.id, n.status])).toEqual(
      expect.arrayContaining([[staying.id, "DIGESTED"]]),
    );

    // A window holding nothing else sends no digest at all; a second flush finds nothing more to do.
    clock.set("2026-03-12T01:00:00Z");
    const only = await routedOn(
      await emit(w, { type: "order_shipped", userId: "olga", data: shipped(8), channels: ["email"] }),
      "email",
    );
    const second = await digestOf(only);
    clock.set(second.flushAt);
    expect(await flushDigestWindow(released, second.id)).toMatchObject({ kind: "empty" });
    await eventually(async () =>
      (await getNotification(w.deps.db, only.id))?.status === "SENT" ? true : null,
    );
    expect(await getNotification(w.deps.db, second.notificationId)).toBeNull();
    expect(await flushDigestWindow(released, second.id)).toMatchObject({ kind: "already", released: [] });
  });

  it("a released item waits out the user's quiet hours, as the digest it left does", async () => {
    clock.set("2026-03-15T01:00:00Z");
    await subscriber("rosa", { ...transactionalDaily, quietHours: { start: "08:00", end: "10:00" } });
    const early = await emit(w, {
      type: "order_shipped",
      userId: "rosa",
      data: shipped(9),
      channels: ["email"],
    });
    const order = await emit(w, { type: "order_placed", userId: "rosa", channels: ["email"] });
    const [leaving, staying] = [await routedOn(early, "email"), await routedOn(order, "email")];
    const window = await digestOf(staying);
    expect(window.flushAt.toISOString()).toBe("2026-03-15T13:00:00.000Z"); // 09:00 EDT, inside them
    clock.set(window.flushAt);
    const result = await flushDigestWindow(releasing(), window.id);
    if (result.kind !== "flushed") throw new Error(`expected flushed, got ${result.kind}`);
    const quiet = {
      status: "SCHEDULED",
      reason: "quiet_hours",
      scheduledAt: new Date("2026-03-15T14:00:00Z"),
    };
    expect(result.notification).toMatchObject(quiet);
    expect(result.released).toMatchObject([{ id: leaving.id, ...quiet }]);
    const job = await w.deps.queues.get("email").getJob(leaving.id);
    expect(await job!.getState()).toBe("delayed");
  });
});

describe("a type's digest summary and collapse", () => {
  it("reads in the digest e-mail and in-app content with the recipient's context, before the in-app template", async () => {
    clock.set("2026-03-13T01:00:00Z");
    await subscriber("pia", transactionalDaily);
    const id = await emit(w, {
      type: "order_shipped",
      userId: "pia",
      data: shipped(1),
      channels: ["email", "in_app"],
    });
    const [email, inApp] = [await routedOn(id, "email"), await routedOn(id, "in_app")];

    const mailDigest = await flushSent(await digestOf(email));
    const [mailed] = await outboxFor(w, [mailDigest.id]);
    expect(mailed!.content.html).toContain("A-1 is on its way with UPS");
    expect(mailed!.content.html).toContain("Tracked for Nora");
    expect(mailed!.content.html).not.toContain("Order A-1 shipped");
    expect(mailed!.content.text).toContain("A-1 is on its way with UPS");

    const inAppDigest = await flushSent(await digestOf(inApp));
    expect(inAppDigest.content).toEqual({
      channel: "in_app",
      title: "Your daily digest: 1 update",
      body: "A-1 is on its way with UPS",
    });
  });

  it("collapses the type's items from `atLeast` on, naming the first `show`, and counts every item", async () => {
    clock.set("2026-03-14T01:00:00Z");
    await subscriber("quin", transactionalDaily);
    const items: NotificationRow[] = [];
    for (const i of [1, 2, 3]) {
      const id = await emit(w, {
        type: "order_shipped",
        userId: "quin",
        data: shipped(i),
        channels: ["email"],
      });
      items.push(await routedOn(id, "email"));
    }
    items.push(
      await routedOn(await emit(w, { type: "order_placed", userId: "quin", channels: ["email"] }), "email"),
    );
    const digest = await flushSent(await digestOf(items[0]!));
    const [mailed] = await outboxFor(w, [digest.id]);
    expect(mailed!.content.subject).toBe("Your daily digest: 4 updates");
    expect(mailed!.content.text).toContain("4 updates you have not seen yet");
    expect(mailed!.content.html).toContain("3 orders on their way");
    expect(mailed!.content.html).toContain(
      "A-1 is on its way with UPS · A-2 is on its way with UPS and 1 more",
    );
    expect(mailed!.content.html).toContain("Order A-1042 confirmed");
  });
});

describe("the worker at boot", () => {
  it("refuses a catalog with a critical type whose digest rules presume it is digested", () => {
    const env = loadWorkerEnv({
      DATABASE_URL: "postgres://127.0.0.1:1/never-opened",
      REDIS_URL: "redis://127.0.0.1:1",
      NODE_ENV: "test",
    });
    const critical = {
      ...shipmentDelayed,
      type: "login_alert",
      category: "transactional",
      priority: "critical",
      digest: { summary: () => ({ title: "x" }) },
    } as NotificationType;
    expect(() => createWorkerDeps(env, { catalog: [...listNotificationTypes(), critical] })).toThrow(
      CatalogError,
    );
    expect(() => createWorkerDeps(env, { catalog: [critical] })).toThrow(
      "login_alert: it is critical, and critical types are never digested (SPEC §3); remove digest.summary",
    );
  });
});
