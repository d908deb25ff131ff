import { randomBytes } from "node:crypto";
import { type FakeResend, type FakeTwilio, startFakeResend, startFakeTwilio } from "@herald/fakes";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/**
 * An address suppressed by its provider (a Resend bounce or complaint
 * webhook, Twilio's 21610 STOP at send) gets nothing on that channel; once
 * support lifts the suppression through the API, the router sends to the
 * same address again, through the real SDKs to the fakes.
 */
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
let resend: FakeResend;
let twilio: FakeTwilio;
let herald: Herald;

beforeAll(async () => {
  resend = await startFakeResend({ apiKey: "re_test_key" });
  twilio = await startFakeTwilio();
  herald = await startHerald({
    apiEnv: { RESEND_WEBHOOK_SECRET: SECRET },
    workerEnv: {
      EMAIL_PROVIDERS: "resend",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend.url,
      EMAIL_FROM: "Herald <notifications@herald.test>",
      SMS_PROVIDERS: "twilio",
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: "+15005550006",
      TWILIO_BASE_URL: twilio.url,
    },
  });
}, 60_000);
afterAll(async () => {
  await herald?.close();
  await resend?.close();
  await twilio?.close();
});

let order = 0;
/** An order of its own each time, on one channel; resolves with that channel's notification once it is `status`. */
async function orderOn(userId: string, channel: "email" | "sms", status: string) {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    channels: [channel],
    data: { ...catalog.order_placed.example, orderId: `S-${++order}` },
  });
  expect(res.status).toBe(202);
  return eventually(async () => {
    const event = (await herald.call("GET", `/v1/events/${res.body.eventId}`)).body;
    const n = event.notifications?.find((x: { channel: string }) => x.channel === channel);
    return n?.status === status ? n : null;
  });
}

/** Resend's webhook for one of its e-mails, signed with svix as Resend signs it. */
async function resendWebhook(type: string, emailId: string, to: string) {
  const body = JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, created_at: new Date().toISOString(), to: [to] },
  });
  const id = `msg_${randomBytes(12).toString("hex")}`;
  const at = new Date();
  const res = await fetch(`${herald.url}/v1/webhooks/resend`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(SECRET).sign(id, at, body),
    },
  });
  expect(res.status).toBe(200);
}

const resendTo = () => resend.accepted().map((r) => r.body.to);

describe("lifting a suppression", () => {
  it("a bounced mailbox: suppressed after Resend's bounce, sent to again once support lifts it", async () => {
    expect((await herald.call("PUT", "/v1/users/bria", { email: "Bria@Example.com" })).status).toBe(200);
    const first = await orderOn("bria", "email", "SENT");
    await resendWebhook("email.bounced", first.providerMessageId, "bria@example.com");

    const listed = await herald.call("GET", "/v1/users/bria/suppressions");
    expect(listed.body.data).toMatchObject([
      { channel: "email", reason: "bounced", provider: "resend", notificationId: first.id },
    ]);
    const held = await orderOn("bria", "email", "SUPPRESSED");
    expect(held.reason).toBe("bounced_address");
    expect(resendTo()).toHaveLength(1);

    const lifted = await herald.call("DELETE", "/v1/users/bria/suppressions/email");
    expect(lifted).toMatchObject({ status: 200, body: { reason: "bounced", notificationId: first.id } });
    expect((await herald.call("GET", "/v1/users/bria/suppressions")).body.data).toEqual([]);
    await orderOn("bria", "email", "SENT");
    expect(resendTo()).toEqual([["Bria@Example.com"], ["Bria@Example.com"]]);
  });

  it("a spam complaint: kept until support forces the lift, then sent to again", async () => {
    expect((await herald.call("PUT", "/v1/users/cleo", { email: "cleo@example.com" })).status).toBe(200);
    const first = await orderOn("cleo", "email", "SENT");
    await resendWebhook("email.complained", first.providerMessageId, "cleo@example.com");
    await eventually(
      async () => (await herald.call("GET", "/v1/users/cleo/suppressions")).body.data.length > 0,
    );

    const refused = await herald.call("DELETE", "/v1/users/cleo/suppressions/email");
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect((await orderOn("cleo", "email", "SUPPRESSED")).reason).toBe("bounced_address");

    const forced = await herald.call("DELETE", "/v1/users/cleo/suppressions/email?force=true");
    expect(forced).toMatchObject({ status: 200, body: { reason: "complained" } });
    await orderOn("cleo", "email", "SENT");
  });

  it("a number that replied STOP, then START: lifted by address, the next SMS goes through Twilio", async () => {
    const phone = "+14155550190";
    twilio.rejectNumber(phone, 21610);
    expect((await herald.call("PUT", "/v1/users/stan", { phone })).status).toBe(200);
    const stopped = await orderOn("stan", "sms", "FAILED");
    expect((await orderOn("stan", "sms", "SUPPRESSED")).reason).toBe("bounced_address");
    expect(twilio.received.filter((r) => r.form.To === phone)).toHaveLength(1);

    // The user replied START: Twilio takes messages to the number again.
    twilio.reset();
    const address = { channel: "sms", address: "+1 (415) 555-0190" };
    const found = await herald.call("POST", "/v1/suppressions/lookup", address);
    expect(found.body).toMatchObject({ reason: "bounced", provider: "twilio", notificationId: stopped.id });
    expect((await herald.call("POST", "/v1/suppressions/lift", address)).status).toBe(200);
    expect((await herald.call("POST", "/v1/suppressions/lookup", address)).status).toBe(404);

    await orderOn("stan", "sms", "SENT");
    expect(twilio.received.map((r) => r.form.To)).toEqual([phone]);
  });
});

describe("a suppression added by hand", () => {
  it("a reassigned number: suppressed as a bounce is (a held SMS too, at send time), lifted without force", async () => {
    const phone = "+14155550191";
    expect((await herald.call("PUT", "/v1/users/rhea", { phone })).status).toBe(200);
    // Held by the router until its `sendAt`: only the send-time re-check can stop it. The wait
    // overlaps the steps below (a second or two; the guard after the add says if it was too short).
    const held = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "rhea",
      channels: ["sms"],
      sendAt: new Date(Date.now() + 5_000).toISOString(),
      data: { ...catalog.order_placed.example, orderId: `S-${++order}` },
    });
    const heldSms = async () =>
      (await herald.call("GET", `/v1/events/${held.body.eventId}`)).body.notifications?.[0];
    const scheduled = await eventually(async () =>
      (await heldSms())?.status === "SCHEDULED" ? heldSms() : null,
    );
    await orderOn("rhea", "sms", "SENT");

    const added = await herald.call("POST", "/v1/users/rhea/suppressions", {
      channel: "sms",
      note: "The number belongs to someone else now",
    });
    expect(added).toMatchObject({ status: 201, body: { reason: "manual" } });
    expect((await heldSms()).status, "the held SMS went before the suppression: sendAt too close").toBe(
      "SCHEDULED",
    );
    twilio.reset();
    expect((await orderOn("rhea", "sms", "SUPPRESSED")).reason).toBe("bounced_address");
    const atSend = await eventually(async () => {
      const n = (await herald.call("GET", `/v1/notifications/${scheduled.id}`)).body;
      return n.status === "SUPPRESSED" ? n : null;
    });
    expect(atSend.reason).toBe("bounced_address");
    expect(atSend.timeline.at(-1)).toMatchObject({
      status: "SUPPRESSED",
      detail: { reason: "bounced_address", stage: "send" },
    });
    expect(twilio.received).toEqual([]);

    const lifted = await herald.call("DELETE", "/v1/users/rhea/suppressions/sms");
    expect(lifted).toMatchObject({ status: 200, body: { reason: "manual" } });
    await orderOn("rhea", "sms", "SENT");
    expect(twilio.received.map((r) => r.form.To)).toEqual([phone]);
  });
});
