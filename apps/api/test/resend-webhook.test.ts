import { randomBytes } from "node:crypto";
import { findSuppression, getNotification, getTimeline, transition } from "@herald/db";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedNotification, seedSentNotification, timelineOf } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ RESEND_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await api?.close();
});

function resendEvent(type: string, emailId: string, data: Record<string, unknown> = {}) {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, created_at: new Date().toISOString(), to: ["someone@example.com"], ...data },
  });
}

/** Signs like Resend does, with the svix library itself. */
function signed(body: string, opts: { id?: string; at?: Date; secret?: string } = {}) {
  const id = opts.id ?? `msg_${randomBytes(12).toString("hex")}`;
  const at = opts.at ?? new Date();
  const signature = new Webhook(opts.secret ?? SECRET).sign(id, at, body);
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": signature,
    "content-type": "application/json",
  };
}

/** Posts without any API key: provider webhooks authenticate by signature only. */
async function post(body: string, headers: Record<string, string>) {
  const res = await api.app.request("/v1/webhooks/resend", { method: "POST", body, headers });
  return { status: res.status, body: (await res.json()) as any };
}

describe("POST /v1/webhooks/resend", () => {
  it("accepts a svix-signed delivery and moves the notification to DELIVERED", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const body = resendEvent("email.delivered", n.providerMessageId);
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, duplicate: false, notificationId: n.id, result: "updated" });
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("DELIVERED");
    expect(row?.deliveredAt).toBeInstanceOf(Date);
    const last = (await getTimeline(api.deps.db, n.id)).at(-1);
    expect(last).toMatchObject({
      status: "DELIVERED",
      detail: { provider: "resend", event: "email.delivered" },
    });
  });

  it("a wrong signature, an old timestamp or a replayed svix-id changes nothing", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const body = resendEvent("email.delivered", n.providerMessageId);
    const before = await timelineOf(api.deps.db, n.id);

    const wrongSecret = await post(
      body,
      signed(body, { secret: `whsec_${randomBytes(24).toString("base64")}` }),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error.code).toBe("unauthorized");

    const good = signed(body);
    const tamperedBody = body.replace("email.delivered", "email.opened");
    expect((await post(tamperedBody, good)).status).toBe(401);
    expect((await post(body, { ...good, "svix-signature": "v1,AAAA" })).status).toBe(401);
    expect((await post(body, { "content-type": "application/json" })).status).toBe(401);

    const old = await post(body, signed(body, { at: new Date(Date.now() - 6 * 60_000) }));
    expect(old.status).toBe(401);
    const future = await post(body, signed(body, { at: new Date(Date.now() + 6 * 60_000) }));
    expect(future.status).toBe(401);

    expect(await timelineOf(api.deps.db, n.id)).toEqual(before);
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("SENT");
    // Nothing was recorded as seen either: the genuine delivery still goes through once…
    const first = await post(body, good);
    expect(first.body).toMatchObject({ duplicate: false, result: "updated" });
    const afterFirst = await timelineOf(api.deps.db, n.id);
    // …and its replay (same svix-id, freshly and validly signed) changes nothing.
    const replay = await post(body, signed(body, { id: good["svix-id"] }));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ duplicate: true });
    expect(await timelineOf(api.deps.db, n.id)).toEqual(afterFirst);
  });

  it("keeps statuses moving forward: a late delivered after an open stays READ, in the timeline", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const opened = resendEvent("email.opened", n.providerMessageId);
    expect((await post(opened, signed(opened))).body.result).toBe("updated");
    const late = resendEvent("email.delivered", n.providerMessageId);
    const res = await post(late, signed(late));
    expect(res.body.result).toBe("unchanged");
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("READ");
    expect(row?.deliveredAt).toBeNull();
    expect(await timelineOf(api.deps.db, n.id)).toEqual([
      "PENDING",
      "QUEUED",
      "SENT",
      "READ",
      "DELIVERED(ignored)",
    ]);
  });

  it("records clicks with their link and clicked_at; a click implies the open", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const link = "https://shop.example.com/orders/42?utm=mail";
    const body = resendEvent("email.clicked", n.providerMessageId, {
      click: { link, timestamp: new Date().toISOString(), ipAddress: "203.0.113.9", userAgent: "x" },
    });
    expect((await post(body, signed(body))).body.result).toBe("updated");
    const row = await getNotification(api.deps.db, n.id);
    expect(row?.status).toBe("READ");
    expect(row?.readAt).toBeInstanceOf(Date);
    expect(row?.clickedAt).toBeInstanceOf(Date);
    const last = (await getTimeline(api.deps.db, n.id)).at(-1);
    expect(last?.detail).toMatchObject({ event: "clicked", url: link, source: "resend" });
    const got = await api.call("GET", `/v1/notifications/${n.id}`);
    expect(got.body.clickedAt).toBe(row?.clickedAt?.toISOString());
  });

  it("a bounce ends BOUNCED and suppresses the address; a complaint ends COMPLAINED", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const body = resendEvent("email.bounced", n.providerMessageId, {
      to: [n.email],
      bounce: { type: "Permanent", subType: "General", message: "550 5.1.1 user unknown" },
    });
    expect((await post(body, signed(body))).body.result).toBe("updated");
    const row = await getNotification(api.deps.db, n.id);
    expect(row).toMatchObject({ status: "BOUNCED", reason: "hard_bounce" });
    expect(await findSuppression(api.deps.db, "email", n.email)).toMatchObject({
      reason: "bounced",
      notificationId: n.id,
    });
    // A later open cannot bring it back.
    const open = resendEvent("email.opened", n.providerMessageId);
    expect((await post(open, signed(open))).body.result).toBe("unchanged");

    const c = await seedSentNotification(api.deps.db, "email");
    const complaint = resendEvent("email.complained", c.providerMessageId, { to: [`Someone <${c.email}>`] });
    expect((await post(complaint, signed(complaint))).body.result).toBe("updated");
    expect((await getNotification(api.deps.db, c.id))?.status).toBe("COMPLAINED");
    expect((await findSuppression(api.deps.db, "email", c.email))?.reason).toBe("complained");
  });

  it("finds the notification by Herald's tag when the provider id is unknown; acknowledges strangers", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const body = resendEvent("email.delivered", crypto.randomUUID(), {
      tags: [{ name: "notification_id", value: n.id }],
    });
    expect((await post(body, signed(body))).body).toMatchObject({ notificationId: n.id, result: "updated" });
    const stranger = resendEvent("email.delivered", crypto.randomUUID());
    expect((await post(stranger, signed(stranger))).body).toMatchObject({ result: "unknown_notification" });
    const other = JSON.stringify({ type: "domain.updated", created_at: new Date().toISOString(), data: {} });
    expect((await post(other, signed(other))).body).toMatchObject({ result: "ignored" });
  });

  it("an event before the SENT record waits for it, or is answered 503 and processed on Svix's retry", async () => {
    const seed = (userId: string) =>
      seedNotification(api.deps.db, `${userId}_${randomBytes(3).toString("hex")}`, {
        channel: "email",
        recipient: { email: "early@example.com" },
      });
    const sent = (id: string, emailId: string) =>
      transition(api.deps.db, id, "SENT", {
        set: { provider: "resend", providerMessageId: emailId, sentAt: new Date() },
      });
    const { notification: a } = await seed("early");
    const aId = crypto.randomUUID();
    const tagged = (emailId: string, id: string) =>
      resendEvent("email.delivered", emailId, { tags: [{ name: "notification_id", value: id }] });
    const recorded = new Promise((r) => setTimeout(r, 300)).then(() => sent(a.id, aId));
    const first = tagged(aId, a.id);
    expect((await post(first, signed(first))).body).toMatchObject({
      notificationId: a.id,
      result: "updated",
    });
    await recorded;
    expect((await getNotification(api.deps.db, a.id))?.status).toBe("DELIVERED");

    const { notification: b } = await seed("late");
    const bId = crypto.randomUUID();
    const body = tagged(bId, b.id);
    const headers = signed(body);
    const early = await post(body, headers);
    expect(early.status).toBe(503);
    expect(early.body.error.message).toMatch(/is not recorded as sent yet/);
    await sent(b.id, bId);
    // Svix delivers the same message (same svix-id) again.
    expect((await post(body, headers)).body).toMatchObject({ duplicate: false, result: "updated" });
    expect((await getNotification(api.deps.db, b.id))?.status).toBe("DELIVERED");
  });

  // The last attempt timed out after Resend took the e-mail: Resend's receipts say the user has it,
  // so it must leave the dead letters (an operator's retry would send it a second time).
  it("a dead-lettered e-mail Resend delivered after all leaves the dead letters: DELIVERED, then READ, not retried", async () => {
    const { notification: n } = await seedNotification(
      api.deps.db,
      `dead_${randomBytes(3).toString("hex")}`,
      {
        channel: "email",
        recipient: { email: "late-receipt@example.com" },
      },
    );
    expect(await transition(api.deps.db, n.id, "DEAD", { set: { reason: "retries_exhausted" } })).toBe(true);
    const tagged = (type: string) =>
      resendEvent(type, crypto.randomUUID(), { tags: [{ name: "notification_id", value: n.id }] });
    const delivered = tagged("email.delivered");
    expect((await post(delivered, signed(delivered))).body).toMatchObject({
      notificationId: n.id,
      result: "updated",
    });
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("DELIVERED");
    const listed = await api.call("GET", "/v1/dead-letters?channel=email&limit=100");
    expect(listed.body.data.map((d: { id: string }) => d.id)).not.toContain(n.id);
    expect((await api.call("POST", `/v1/dead-letters/${n.id}/retry`)).status).toBe(409);
    const opened = tagged("email.opened");
    expect((await post(opened, signed(opened))).body).toMatchObject({ result: "updated" });
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "DEAD", "DELIVERED", "READ"]);
  });

  it("a dead-lettered e-mail that bounced after all ends BOUNCED and suppresses the address", async () => {
    const { notification: n } = await seedNotification(
      api.deps.db,
      `dead_${randomBytes(3).toString("hex")}`,
      {
        channel: "email",
        recipient: { email: "late-bounce@example.com" },
      },
    );
    expect(await transition(api.deps.db, n.id, "DEAD", { set: { reason: "retries_exhausted" } })).toBe(true);
    const body = resendEvent("email.bounced", crypto.randomUUID(), {
      to: ["late-bounce@example.com"],
      tags: [{ name: "notification_id", value: n.id }],
      bounce: { type: "Permanent", subType: "General", message: "no such mailbox" },
    });
    expect((await post(body, signed(body))).body).toMatchObject({ result: "updated" });
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("BOUNCED");
    expect((await findSuppression(api.deps.db, "email", "late-bounce@example.com"))?.reason).toBe("bounced");
  });

  it("email.failed after acceptance is kept in the timeline without moving SENT backwards", async () => {
    const n = await seedSentNotification(api.deps.db, "email");
    const body = resendEvent("email.failed", n.providerMessageId);
    expect((await post(body, signed(body))).body.result).toBe("unchanged");
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("SENT");
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "SENT", "FAILED(ignored)"]);
  });

  it("checks nothing /openapi.json describes: its example works, and so do fields Resend adds or leaves out", async () => {
    const doc = (await api.call("GET", "/openapi.json", undefined, { authorization: "" })).body as any;
    const example = structuredClone(doc.components.schemas.ResendEvent.example);
    const n = await seedSentNotification(api.deps.db, "email");
    example.data.email_id = n.providerMessageId;
    const documented = JSON.stringify(example);
    expect((await post(documented, signed(documented))).body).toMatchObject({
      notificationId: n.id,
      result: "updated",
    });

    // A later Resend: fields the document does not list, `created_at` gone, sent as text/plain.
    const m = await seedSentNotification(api.deps.db, "email");
    const later = JSON.stringify({
      type: "email.delivered",
      schema_version: 2,
      data: { email_id: m.providerMessageId, broadcast_id: null, headers: [{ name: "X-Id", value: "1" }] },
    });
    const res = await post(later, { ...signed(later), "content-type": "text/plain" });
    expect(res.body).toMatchObject({ notificationId: m.id, result: "updated" });
    // Without `type` and `data`, which the document marks required: acknowledged, not refused.
    const bare = JSON.stringify({ id: "evt_1" });
    expect(await post(bare, signed(bare))).toMatchObject({ status: 200, body: { result: "ignored" } });
  });

  it("a correctly signed body that is not JSON is a 400, not a signature problem", async () => {
    const res = await post("not json", signed("not json"));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "malformed_request",
      message: expect.stringContaining("not JSON"),
    });
    expect((await post("not json", { ...signed("not json"), "svix-signature": "v1,AAAA" })).status).toBe(401);
  });

  it("answers 401 when no secret is configured", async () => {
    const bare = await createTestApi();
    try {
      const body = resendEvent("email.delivered", crypto.randomUUID());
      const res = await bare.app.request("/v1/webhooks/resend", {
        method: "POST",
        body,
        headers: signed(body),
      });
      expect(res.status).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
