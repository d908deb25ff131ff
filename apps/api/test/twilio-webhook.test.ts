import { randomBytes } from "node:crypto";
import { findSuppression, getNotification, getTimeline, transition } from "@herald/db";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedNotification, seedSentNotification, timelineOf } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

const AUTH_TOKEN = randomBytes(16).toString("hex");
// Herald runs behind a proxy: Twilio calls the public URL, the app sees only the path.
const PUBLIC_URL = "https://notify.example.com/herald";
const PATH = "/v1/webhooks/twilio";
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(async () => {
  await api?.close();
});

function callback(sid: string, status: string, extra: Record<string, string> = {}) {
  return {
    AccountSid: "AC00000000000000000000000000000000",
    ApiVersion: "2010-04-01",
    From: "+14155550100",
    To: "+14155550123",
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    ...extra,
  };
}

/** What Twilio sends: a form body signed (with the SDK's own helper) over the URL it was configured with. */
async function post(
  params: Record<string, string>,
  opts: { signWith?: Record<string, string>; url?: string; search?: string } = {},
) {
  const search = opts.search ?? "";
  const url = opts.url ?? `${PUBLIC_URL}${PATH}${search}`;
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, opts.signWith ?? params);
  const res = await api.app.request(`http://10.0.0.7:3000${PATH}${search}`, {
    method: "POST",
    body: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * An SMS notification still QUEUED, the sid Twilio gave it, the callback URL's query naming it,
 * and the worker's SENT record of that sid, to be written when the test says.
 */
async function queuedSms(prefix: string) {
  const { notification: n } = await seedNotification(
    api.deps.db,
    `${prefix}_${randomBytes(3).toString("hex")}`,
    {
      channel: "sms",
      recipient: { phone: "+14155550123" },
    },
  );
  const sid = `SM${randomBytes(16).toString("hex")}`;
  const recordSent = () =>
    transition(api.deps.db, n.id, "SENT", {
      set: { provider: "twilio", providerMessageId: sid, sentAt: new Date() },
    });
  return { n, sid, search: `?notificationId=${n.id}`, recordSent };
}

describe("POST /v1/webhooks/twilio", () => {
  it("accepts a callback signed like validateRequest expects, against PUBLIC_URL", async () => {
    const n = await seedSentNotification(api.deps.db, "sms");
    const params = callback(n.providerMessageId, "delivered");
    // The same check the real SDK makes on its side.
    const sig = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${PATH}`, params);
    expect(twilio.validateRequest(AUTH_TOKEN, sig, `${PUBLIC_URL}${PATH}`, params)).toBe(true);

    const res = await post(params);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, notificationId: n.id, result: "updated" });
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("DELIVERED");
  });

  it("a tampered callback is 401 and changes nothing", async () => {
    const n = await seedSentNotification(api.deps.db, "sms");
    const before = await timelineOf(api.deps.db, n.id);
    const signedFor = callback(n.providerMessageId, "queued");
    const tampered = await post(callback(n.providerMessageId, "undelivered", { ErrorCode: "30006" }), {
      signWith: signedFor,
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe("unauthorized");
    // Signed for the address the proxy forwarded to rather than the public one.
    expect((await post(signedFor, { url: `http://10.0.0.7:3000${PATH}` })).status).toBe(401);
    const missing = await api.app.request(PATH, {
      method: "POST",
      body: new URLSearchParams(signedFor).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(missing.status).toBe(401);
    expect(await timelineOf(api.deps.db, n.id)).toEqual(before);
    expect(await findSuppression(api.deps.db, "sms", n.phone)).toBeNull();
  });

  it("maps queued/sent/delivered and ignores a repeated status", async () => {
    const n = await seedSentNotification(api.deps.db, "sms");
    expect((await post(callback(n.providerMessageId, "queued"))).body.result).toBe("unchanged");
    expect((await post(callback(n.providerMessageId, "sent"))).body.result).toBe("unchanged");
    expect((await post(callback(n.providerMessageId, "delivered"))).body.result).toBe("updated");
    expect((await post(callback(n.providerMessageId, "delivered"))).body).toMatchObject({ duplicate: true });
    expect(await timelineOf(api.deps.db, n.id)).toEqual([
      "PENDING",
      "QUEUED",
      "SENT",
      "SENT(ignored)",
      "SENT(ignored)",
      "DELIVERED",
    ]);
  });

  it("undelivered/failed end BOUNCED; a permanent error code suppresses the number", async () => {
    const a = await seedSentNotification(api.deps.db, "sms");
    const res = await post(callback(a.providerMessageId, "undelivered", { ErrorCode: "30003" }));
    expect(res.body.result).toBe("updated");
    expect(await getNotification(api.deps.db, a.id)).toMatchObject({
      status: "BOUNCED",
      reason: "undelivered",
    });
    expect(await findSuppression(api.deps.db, "sms", a.phone)).toBeNull();

    const b = await seedSentNotification(api.deps.db, "sms");
    await post(callback(b.providerMessageId, "failed", { ErrorCode: "30006" }));
    expect(await getNotification(api.deps.db, b.id)).toMatchObject({ status: "BOUNCED", reason: "failed" });
    expect(await findSuppression(api.deps.db, "sms", b.phone)).toMatchObject({
      reason: "bounced",
      detail: { errorCode: "30006" },
    });
  });

  it("suppresses for the codes about the number (STOP, landline…), not for 21408 (the account may not send to that country)", async () => {
    for (const [code, suppresses] of [
      ["21610", true],
      ["21408", false],
    ] as const) {
      const n = await seedSentNotification(api.deps.db, "sms");
      const to = `+1415555${randomBytes(2).readUInt16BE() % 10_000}`.padEnd(12, "0");
      await post(callback(n.providerMessageId, "failed", { ErrorCode: code, To: to }));
      expect(await getNotification(api.deps.db, n.id)).toMatchObject({ status: "BOUNCED" });
      const suppression = await findSuppression(api.deps.db, "sms", to);
      if (suppresses)
        expect(suppression, code).toMatchObject({ reason: "bounced", detail: { errorCode: code } });
      else expect(suppression, code).toBeNull();
    }
  });

  it("a callback before any SENT record is found by the notification id in its URL and records SENT with its sid", async () => {
    const { n, sid, search, recordSent } = await queuedSms("early");
    const res = await post(callback(sid, "delivered"), { search });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ notificationId: n.id, result: "updated" });
    expect(await getNotification(api.deps.db, n.id)).toMatchObject({
      status: "DELIVERED",
      provider: "twilio",
      providerMessageId: sid,
    });
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "SENT", "DELIVERED"]);
    const sent = (await getTimeline(api.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ providerMessageId: sid, recordedBy: "status_callback" });
    // The worker's own record, when Twilio's answer reaches it after all, moves nothing.
    expect(await recordSent()).toBe(false);
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("DELIVERED");
    // Another attempt's message (a different sid) does not move this row.
    const stray = await post(callback(`SM${randomBytes(16).toString("hex")}`, "undelivered"), { search });
    expect(stray.body).toMatchObject({ notificationId: n.id, result: "ignored" });
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("DELIVERED");
  });

  it("a row the worker failed after a timeout is recorded SENT by Twilio's callback, once", async () => {
    const { n, sid, search } = await queuedSms("timed_out");
    await transition(api.deps.db, n.id, "FAILED", { incrementRetry: true, set: { lastError: "timeout" } });
    const sent = await post(callback(sid, "sent"), { search });
    expect(sent.body).toMatchObject({ duplicate: false, notificationId: n.id, result: "updated" });
    expect(await getNotification(api.deps.db, n.id)).toMatchObject({
      status: "SENT",
      providerMessageId: sid,
      lastError: null,
    });
    expect((await post(callback(sid, "delivered"), { search })).body.result).toBe("updated");
    expect(await timelineOf(api.deps.db, n.id)).toEqual(["PENDING", "QUEUED", "FAILED", "SENT", "DELIVERED"]);
  });

  it("a callback for a message canceled while the worker's create call was in flight records it SENT", async () => {
    const { n, sid, search } = await queuedSms("canceled");
    expect(await transition(api.deps.db, n.id, "CANCELED")).toBe(true);
    const res = await post(callback(sid, "sent"), { search });
    expect(res.body.result).toBe("updated");
    expect(await getNotification(api.deps.db, n.id)).toMatchObject({
      status: "SENT",
      providerMessageId: sid,
    });
  });

  it("checks nothing /openapi.json describes: its example works, and so do parameters Twilio adds or leaves out", async () => {
    const doc = (await api.call("GET", "/openapi.json", undefined, { authorization: "" })).body as any;
    const n = await seedSentNotification(api.deps.db, "sms");
    const example = doc.components.schemas.TwilioStatusCallback.example;
    const documented = { ...example, MessageSid: n.providerMessageId, SmsSid: n.providerMessageId };
    expect((await post(documented)).body).toMatchObject({ notificationId: n.id, result: "updated" });

    // Parameters the document does not list, and none of the optional ones.
    const m = await seedSentNotification(api.deps.db, "sms");
    const later = {
      MessageSid: m.providerMessageId,
      MessageStatus: "delivered",
      RawDlrDoneDate: "2611240900",
    };
    expect((await post(later)).body).toMatchObject({ notificationId: m.id, result: "updated" });
    // Without `MessageStatus`, which the document marks required: acknowledged, not refused.
    const partial = await post({
      MessageSid: m.providerMessageId,
      AccountSid: "AC00000000000000000000000000000000",
    });
    expect(partial).toMatchObject({ status: 200, body: { result: "ignored" } });
  });

  it("the notification id counts only as signed: moved to another notification's, the callback is refused", async () => {
    const { n, sid, search } = await queuedSms("signed_for");
    const { n: other } = await queuedSms("other");
    const res = await post(callback(sid, "delivered"), {
      search: `?notificationId=${other.id}`,
      url: `${PUBLIC_URL}${PATH}${search}`,
    });
    expect(res.status).toBe(401);
    for (const row of [n, other]) {
      expect(await getNotification(api.deps.db, row.id)).toMatchObject({
        status: "QUEUED",
        providerMessageId: null,
      });
    }
  });
});
