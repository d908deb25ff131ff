import { getTimeline, listEventNotifications, type NotificationRow, type RecipientRow } from "@herald/db";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { twilioSender } from "../src/providers/sms/twilio-sender.ts";
import type { TestWorker } from "./test-worker.ts";
import { useTwilioFakes } from "./twilio-env.ts";

const fakes = useTwilioFakes();

async function smsNotification(w: TestWorker, eventId: string, status: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "sms");
    return n?.status === status ? n : null;
  });
}

describe("SMS through Twilio", () => {
  it("posts the rendered text through the twilio SDK with To, From, Body and the status callback", async () => {
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "ada", { channels: ["sms"] });
    const n = await smsNotification(worker, eventId, "SENT");

    expect(fakes.twilio.received).toHaveLength(1);
    const [req] = fakes.twilio.received;
    expect(req!.status).toBe(201);
    expect(req!.auth).toEqual({ user: fakes.twilio.accountSid, pass: fakes.twilio.authToken });
    expect(req!.accountSid).toBe(fakes.twilio.accountSid);
    expect(req!.form).toEqual({
      To: "+14155550100",
      From: "+15005550006",
      Body: (n.content as { text: string }).text,
      StatusCallback: `https://herald.example.com/v1/webhooks/twilio?notificationId=${n.id}`,
    });
    expect(req!.form.Body).toContain("A-1042");
    expect(n.provider).toBe("twilio");
    expect(n.providerMessageId).toBe(req!.sid);
    const sent = (await getTimeline(worker.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ segments: 1, encoding: "GSM-7" });
  });

  it("an invalid number (Twilio 21211) ends FAILED without retry", async () => {
    fakes.twilio.rejectNumber("+14155550100", 21211);
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "bad-number", { channels: ["sms"] });
    const n = await smsNotification(worker, eventId, "FAILED");
    await new Promise((r) => setTimeout(r, 400));
    expect(fakes.twilio.received.map((r) => r.errorCode)).toEqual([21211]);
    const after = (await listEventNotifications(worker.deps.db, eventId))[0]!;
    expect(after.status).toBe("FAILED");
    expect(after.reason).toBe("permanent_error");
    expect(after.retryCount).toBe(0);
    expect(n.lastError).toContain("21211");
    const job = await worker.deps.queues.get("sms").getJob(n.id);
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe("failed");
  });

  it("a Twilio that refuses connections is a provider failure: retried on schedule, then DEAD (not waited out as a database outage)", async () => {
    const worker = await fakes.start({ TWILIO_BASE_URL: "http://127.0.0.1:9" });
    const eventId = await worker.trigger("order_placed", "ada", { channels: ["sms"] });
    const n = await smsNotification(worker, eventId, "DEAD");
    expect(n.retryCount).toBeGreaterThan(0);
    expect(n.lastError).toContain("ECONNREFUSED");
    const statuses = (await getTimeline(worker.deps.db, n.id)).map((t) => t.status);
    expect(statuses.filter((s) => s === "FAILED").length).toBeGreaterThanOrEqual(1);
    expect(statuses.at(-1)).toBe("DEAD");
  });

  it("retries a 5xx from Twilio, waits out a 429 without counting it as a failed attempt, and then sends", async () => {
    fakes.twilio.failWith({ status: 503, times: 1 });
    fakes.twilio.failWith({ status: 429, retryAfter: 0, times: 1 });
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "flaky", { channels: ["sms"] });
    const n = await smsNotification(worker, eventId, "SENT");
    expect(n.retryCount).toBe(1);
    expect(fakes.twilio.received.map((r) => r.status)).toEqual([503, 429, 201]);
  });
});

describe("Twilio sender details", () => {
  const ctx = (text: string, phone = "+447700900123") => ({
    attempt: 1,
    devices: [],
    recipient: { phone } as RecipientRow,
    notification: {
      id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
      content: { channel: "sms", text },
    } as unknown as NotificationRow,
  });
  const sender = (extra: Partial<Parameters<typeof twilioSender>[0]> = {}) =>
    twilioSender({
      accountSid: fakes.twilio.accountSid,
      authToken: fakes.twilio.authToken,
      messagingServiceSid: `MG${"a".repeat(32)}`,
      baseUrl: fakes.twilio.url,
      statusCallback: "https://h.test/v1/webhooks/twilio",
      maxSegments: 2,
      timeoutMs: 2000,
      ...extra,
    });

  it("uses a messaging service when configured and cuts text to the segment limit", async () => {
    const result = await sender().send(ctx("Votre commande est confirmée ✓ ".repeat(20)));
    const form = fakes.twilio.received.at(-1)!.form;
    expect(form.MessagingServiceSid).toBe(`MG${"a".repeat(32)}`);
    expect(form.From).toBeUndefined();
    expect(form.Body!.endsWith("…")).toBe(true);
    expect(form.Body!.length).toBeLessThanOrEqual(134);
    expect(result.detail).toEqual({ segments: 2, encoding: "UCS-2", truncated: true });
  });

  it("refuses a number that is not E.164 before calling Twilio (not Twilio's word: the number is not suppressed)", async () => {
    const before = fakes.twilio.received.length;
    await expect(sender().send(ctx("hi", "004477009"))).rejects.toMatchObject({
      kind: "permanent",
      code: "21211",
      suppressesAddress: false,
    });
    expect(fakes.twilio.received.length).toBe(before);
  });

  it("marks Twilio's refusals of the number itself for suppression, not those of the message", async () => {
    fakes.twilio.rejectNumber("+447700900124", 21610);
    fakes.twilio.rejectNumber("+447700900125", 21617);
    await expect(sender().send(ctx("hi", "+447700900124"))).rejects.toMatchObject({
      kind: "permanent",
      code: "21610",
      suppressesAddress: true,
    });
    await expect(sender().send(ctx("hi", "+447700900125"))).rejects.toMatchObject({
      kind: "permanent",
      code: "21617",
      suppressesAddress: false,
    });
  });

  it("classifies rejected credentials as transient (an operator fixes them; the job dead-letters loudly meanwhile)", async () => {
    await expect(sender({ authToken: "wrong" }).send(ctx("hi"))).rejects.toMatchObject({
      kind: "transient",
      code: "20003",
    });
  });

  it("treats an unreachable Twilio as transient", async () => {
    await expect(sender({ baseUrl: "http://127.0.0.1:9" }).send(ctx("hi"))).rejects.toMatchObject({
      kind: "transient",
      provider: "twilio",
    });
  });
});
