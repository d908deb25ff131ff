import { insertOutboxMessage } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserCall,
  createTestAccounts,
  type Signed,
  signInAs,
  TEST_ADMIN,
  TEST_SUPPORT,
} from "./dashboard-session.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
const ADMIN = TEST_ADMIN;
const SUPPORT = TEST_SUPPORT;
const RESET_URL = "https://shop.example.com/reset?token=SECRET-RESET-TOKEN-123";

beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
});
afterAll(() => api.close());

/** A password reset e-mail as the router writes it, with its dev outbox copy. */
async function seedReset(userId: string) {
  const { notification } = await seedNotification(api.deps.db, userId, {
    channel: "email",
    status: "SENT",
    recipient: { email: `${userId}@example.com` },
    type: { name: "password_reset", category: "security", data: { resetUrl: RESET_URL } },
    content: {
      channel: "email",
      subject: "Reset your password",
      html: `<a href="${RESET_URL}">Reset</a>`,
      text: `Reset: ${RESET_URL}`,
    } as never,
  });
  await insertOutboxMessage(api.deps.db, {
    notificationId: notification.id,
    channel: "email",
    destination: `${userId}@example.com`,
    content: notification.content,
  });
  return notification;
}

/** Every read a dashboard page makes that could carry the message or its event. */
async function reads(n: { id: string; eventId: string; userId: string }, as: (path: string) => Promise<any>) {
  return Promise.all([
    as(`/v1/notifications/${n.id}`),
    as(`/v1/notifications?userId=${n.userId}`),
    as(`/v1/events/${n.eventId}`),
    as(`/v1/users/${n.userId}/events`),
    as(`/v1/dashboard/outbox?notificationId=${n.id}`),
  ]);
}

describe("security messages and the support role", () => {
  it("hide reset links from a support session everywhere it reads, and show them to admins and API keys", async () => {
    const n = await seedReset("reset-user");
    const session = async (who: Signed) => async (path: string) => {
      const res = await browserCall(api, "GET", path, who);
      expect(res.status, path).toBe(200);
      return res.body;
    };
    const support = await reads(n, await session(await signInAs(api, SUPPORT)));
    expect(JSON.stringify(support)).not.toContain("SECRET-RESET-TOKEN");
    const [detail, list, event, userEvents, outbox] = support;
    expect(detail.content).toEqual({
      channel: "email",
      subject: "Reset your password",
      hidden: expect.stringMatching(/^Hidden from the support role/),
    });
    expect(list.data[0].content.hidden).toEqual(expect.any(String));
    expect(event).toMatchObject({ data: {}, dataHidden: true });
    expect(event.notifications[0].content.hidden).toEqual(expect.any(String));
    expect(userEvents.data[0]).toMatchObject({ data: {}, dataHidden: true });
    expect(outbox.data[0].content.hidden).toEqual(expect.any(String));

    const admin = await reads(n, await session(await signInAs(api, ADMIN)));
    const byKey = await reads(n, async (path) => (await api.call("GET", path)).body);
    for (const [detailSeen, , eventSeen, , outboxSeen] of [admin, byKey]) {
      expect(detailSeen.content.html).toContain(RESET_URL);
      expect(eventSeen.data).toEqual({ resetUrl: RESET_URL });
      expect(eventSeen.dataHidden).toBeUndefined();
      expect(outboxSeen.data[0].content.text).toContain(RESET_URL);
    }
  });

  it("leave other categories' content to support as before", async () => {
    const { notification } = await seedNotification(api.deps.db, "order-user", {
      channel: "sms",
      content: { channel: "sms", text: "Order A-1 shipped" } as never,
    });
    const s = await signInAs(api, SUPPORT);
    const res = await browserCall(api, "GET", `/v1/notifications/${notification.id}`, s);
    expect(res.body.content).toEqual({ channel: "sms", text: "Order A-1 shipped" });
  });
});
