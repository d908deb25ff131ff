import {
  addTopicSubscribers,
  insertEvents,
  insertNotifications,
  suppressAddress,
  transition,
} from "@herald/db";
import { newId } from "@herald/ids";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { added, asSession, keyWith } from "./audit-log-kit.ts";
import { createTestAccounts, signInAs, TEST_SUPPORT } from "./dashboard-session.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * `GET /v1/users/{userId}/export`: the whole document and what it leaves out
 * (device credentials, other users, topic events' data, security content for
 * support); the file name; auth, 404s and the audit entry. Paging and a
 * failure mid-stream: `user-export-stream.test.ts`.
 */
let api: TestApi;

const FCM_TOKEN = "fcm-token-that-is-a-credential-0123456789-q7Xk2z";
const APNS_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9ab";
const ENDPOINT = "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24-secret-path";
const KEYS = {
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};

/** What eve's export must show, filled in by beforeAll. */
const eve = {
  recipientId: "",
  notificationIds: [] as string[],
  eventIds: [] as string[],
  resetId: "",
  scheduleId: "",
};

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

/** A topic event for `news` and its notification to eve, as a fan-out writes it. */
async function topicNotification(recipientId: string): Promise<string> {
  const [event] = await insertEvents(api.deps.db, [
    {
      type: "weekly_promo",
      userId: null,
      topic: "news",
      data: { headline: "BROADCAST-DATA" },
      priority: "low",
    },
  ]);
  const id = newId("ntf");
  await insertNotifications(api.deps.db, [
    {
      id,
      eventId: event!.event.id,
      recipientId,
      userId: "eve",
      type: "weekly_promo",
      category: "marketing",
      channel: "in_app",
      priority: "low",
      status: "QUEUED",
      content: { channel: "in_app", title: "This week", body: "news for eve" } as never,
    },
  ]);
  return id;
}

beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
  await ok(
    api.call("PUT", "/v1/users/eve", {
      email: "eve@example.com",
      phone: "+14155550177",
      locale: "de-DE",
      timezone: "Europe/Berlin",
      properties: { plan: "pro" },
    }),
  );
  await ok(api.call("PUT", "/v1/users/eve/preferences", { channels: { sms: false } }));
  await ok(
    api.call("POST", "/v1/users/eve/devices", {
      kind: "webpush",
      subscription: { endpoint: ENDPOINT, keys: KEYS },
    }),
    201,
  );
  await ok(api.call("POST", "/v1/users/eve/devices", { kind: "fcm", token: FCM_TOKEN }), 201);
  await ok(api.call("POST", "/v1/users/eve/devices", { kind: "apns", token: APNS_TOKEN }), 201);
  await addTopicSubscribers(api.deps.db, "news", [{ userId: "eve" }]);
  await suppressAddress(api.deps.db, { channel: "email", address: "eve@example.com", reason: "bounced" });
  const weekly = { frequency: "weekly", days: ["mon"], at: "09:00" };
  const data = { headline: "Eve's week", body: "b", ctaUrl: "https://x.test/eve" };
  eve.scheduleId = (
    await ok(
      api.call("POST", "/v1/schedules", { type: "weekly_promo", userId: "eve", data, repeat: weekly }),
      201,
    )
  ).id;
  await ok(
    api.call("POST", "/v1/schedules", { type: "weekly_promo", userId: "mallory", data, repeat: weekly }),
    201,
  );
  for (const channel of ["email", "sms", "push", "in_app", "email"] as const) {
    const { recipientId, notification } = await seedNotification(api.deps.db, "eve", {
      channel,
      type: { name: "order_placed", category: "transactional", data: { orderId: `O-${channel}` } },
    });
    eve.recipientId = recipientId;
    eve.notificationIds.push(notification.id);
    eve.eventIds.push(notification.eventId);
    await transition(api.deps.db, notification.id, "SENT", { detail: { provider: "outbox", attempt: 1 } });
  }
  const reset = await seedNotification(api.deps.db, "eve", {
    channel: "email",
    content: {
      channel: "email",
      subject: "Reset",
      html: "RESET-LINK-SECRET",
      text: "RESET-LINK-SECRET",
    } as never,
    type: { name: "password_reset", category: "security", data: { resetUrl: "https://x.test/RESET-DATA" } },
  });
  eve.resetId = reset.notification.id;
  eve.notificationIds.push(reset.notification.id);
  eve.eventIds.push(reset.notification.eventId);
  eve.notificationIds.push(await topicNotification(eve.recipientId));
  // Another user: none of this is eve's.
  await seedNotification(api.deps.db, "mallory", {
    channel: "email",
    recipient: { email: "mallory@example.com" },
    type: { name: "order_placed", category: "transactional", data: { orderId: "MALLORY-ORDER" } },
  });
});
afterAll(() => api?.close());

describe("GET /v1/users/{userId}/export", () => {
  it("answers every part of the user's data as a JSON download, and nothing of device credentials or other users", async () => {
    const res = await api.app.request("/v1/users/eve/export", {
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="herald-export-eve-${today}.json"; filename*=UTF-8''herald-export-eve-${today}.json`,
    );
    const text = await res.text();
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      "exportedAt",
      "user",
      "preferences",
      "devices",
      "topics",
      "suppressions",
      "schedules",
      "events",
      "notifications",
    ]);
    expect(doc.user).toEqual({
      userId: "eve",
      id: eve.recipientId,
      email: "eve@example.com",
      phone: "+14155550177",
      locale: "de-DE",
      timezone: "Europe/Berlin",
      properties: { plan: "pro" },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(doc.preferences).toMatchObject({ channels: { sms: false }, digestTime: "09:00" });
    expect(doc.devices.map((d: any) => [d.kind, d.origin ?? d.tokenEnd])).toEqual(
      expect.arrayContaining([
        ["webpush", "https://fcm.googleapis.com"],
        ["fcm", FCM_TOKEN.slice(-6)],
        ["apns", APNS_TOKEN.slice(-6)],
      ]),
    );
    expect(doc.devices).toHaveLength(3);
    for (const secret of [FCM_TOKEN, APNS_TOKEN, ENDPOINT, "/fcm/send/", KEYS.p256dh, KEYS.auth]) {
      expect(text).not.toContain(secret);
    }
    expect(doc.topics).toEqual([{ key: "news", subscribedAt: expect.any(String) }]);
    expect(doc.suppressions).toEqual([
      expect.objectContaining({
        channel: "email",
        reason: "bounced",
        note: null,
        createdAt: expect.any(String),
      }),
    ]);
    expect(doc.suppressions[0]).not.toHaveProperty("suppressedBy");
    // Their schedules, with the data each run sends; not another user's.
    expect(doc.schedules.map((x: { id: string; userId: string }) => [x.id, x.userId])).toEqual([
      [eve.scheduleId, "eve"],
    ]);
    expect(doc.schedules[0].data.headline).toBe("Eve's week");
    // The user's own events, oldest first, with their data; the topic event's data is not theirs.
    expect(doc.events.map((e: any) => e.id)).toEqual(eve.eventIds);
    expect(doc.events[0]).toMatchObject({ type: "order_placed", data: { orderId: "O-email" } });
    expect(text).not.toContain("BROADCAST-DATA");
    // Every notification, oldest first, with content and timeline; the topic event's too.
    expect(doc.notifications.map((n: any) => n.id)).toEqual(eve.notificationIds);
    const first = doc.notifications[0];
    expect(first).toMatchObject({
      channel: "email",
      type: "order_placed",
      status: "SENT",
      content: { channel: "email" },
    });
    expect(first.timeline.map((t: any) => t.status)).toEqual(["PENDING", "QUEUED", "SENT"]);
    expect(first.timeline[2]).toEqual({
      status: "SENT",
      at: expect.any(String),
      detail: { provider: "outbox", attempt: 1 },
    });
    expect(doc.notifications.at(-1)).toMatchObject({ channel: "in_app", content: { body: "news for eve" } });
    // An API key sees security content, as on every other route.
    expect(text).toContain("RESET-LINK-SECRET");
    expect(text).not.toMatch(/mallory|MALLORY/);
  });

  it("hides security messages' content and event data from a support session, and records who exported", async () => {
    const support = await signInAs(api, TEST_SUPPORT);
    let body: any;
    const rows = await added(api, async () => {
      body = await ok(asSession(api, support, "GET", "/v1/users/eve/export"));
    });
    const reset = body.notifications.find((n: any) => n.id === eve.resetId);
    expect(reset.content).toMatchObject({ subject: "Reset", hidden: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/RESET-LINK-SECRET|RESET-DATA/);
    expect(rows).toEqual([
      expect.objectContaining({
        action: "user.export",
        actor_via: "dashboard",
        actor_name: TEST_SUPPORT.email,
        target_type: "user",
        target_id: "eve",
        outcome: "success",
        status: 200,
        details: { securityContent: "hidden" },
      }),
    ]);
  });

  it("records an API key's export, and a refused one, in the audit log", async () => {
    const reader = await keyWith(api, "gdpr desk", ["read"]);
    const rows = await added(api, async () => {
      await ok(api.call("GET", "/v1/users/eve/export", undefined, reader.auth));
    });
    expect(rows).toEqual([
      expect.objectContaining({
        action: "user.export",
        actor_via: "api_key",
        actor_id: reader.id,
        target_id: "eve",
        outcome: "success",
        details: { securityContent: "included" },
      }),
    ]);
    const sender = await keyWith(api, "sender", ["events:write"]);
    const refused = await added(api, async () => {
      const res = await api.call("GET", "/v1/users/eve/export", undefined, sender.auth);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden", message: expect.stringContaining('"read"') });
    });
    expect(refused).toEqual([
      expect.objectContaining({ action: "user.export", outcome: "forbidden", status: 403 }),
    ]);
  });

  it("names the file with the user id made safe for a header, and the exact id in filename*", async () => {
    const odd = `Zoë "O'Neil" / (x)`;
    const path = `/v1/users/${encodeURIComponent(odd)}`;
    await ok(api.call("PUT", path, { email: "zoe@example.com" }));
    const res = await api.app.request(`${path}/export`, {
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="herald-export-Zo___O_Neil_____x_-${today}.json"; ` +
        `filename*=UTF-8''herald-export-Zo%C3%AB%20%22O%27Neil%22%20%2F%20%28x%29-${today}.json`,
    );
    expect(((await res.json()) as any).user.userId).toBe(odd);
  });

  it("answers 401 without a key, 404 for an unknown user and 404 saying so for an erased one", async () => {
    const anonymous = await api.app.request("/v1/users/eve/export");
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as any).error.code).toBe("unauthorized");
    const unknown = await api.call("GET", "/v1/users/nobody/export");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "not_found", message: "No user nobody." });
    await ok(api.call("PUT", "/v1/users/gone", { email: "gone@example.com" }));
    await ok(api.call("DELETE", "/v1/users/gone"), 204);
    const erased = await api.call("GET", "/v1/users/gone/export");
    expect(erased.status).toBe(404);
    expect(erased.body.error).toMatchObject({ code: "not_found", requestId: expect.stringMatching(/^req_/) });
    expect(erased.body.error.message).toMatch(/^User gone was erased/);
  });
});
