import { type FakeTwilio, startFakeTwilio, type TwilioRequest } from "@herald/fakes";
import { catalog } from "@herald/templates";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "@herald/testkit";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

// Twilio calls the public address (a proxy in front of the API) and signs that URL.
const PUBLIC_URL = "https://notify.example.com";
const TIMEOUT_MS = 1000;
const RETRY_MS = 1000;

const GROUP_WAIT_MS = 200;

let fake: FakeTwilio;
let herald: Herald;
// Where dead-letter alerts would go.
let ops: WebhookReceiver;

beforeAll(async () => {
  fake = await startFakeTwilio();
  ops = await startWebhookReceiver();
  herald = await startHerald({
    apiEnv: { TWILIO_AUTH_TOKEN: fake.authToken, PUBLIC_URL },
    workerEnv: {
      SMS_PROVIDERS: "twilio",
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: "+15005550006",
      TWILIO_BASE_URL: fake.url,
      PUBLIC_URL,
      PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      RETRY_SCHEDULE: `0,${RETRY_MS}ms,${RETRY_MS}ms,${RETRY_MS}ms`,
      OPS_ALERT_WEBHOOK_URL: ops.url,
      OPS_ALERT_GROUP_WAIT_MS: String(GROUP_WAIT_MS),
    },
  });
});
afterAll(async () => {
  await herald?.close();
  await fake?.close();
  await ops?.close();
});
afterEach(() => fake.reset());

/** What Twilio does with a message's status: posts it to the StatusCallback it was given, signed over that URL. */
async function statusCallback(message: TwilioRequest, status: string) {
  const url = message.form.StatusCallback!;
  const params = {
    AccountSid: fake.accountSid,
    ApiVersion: "2010-04-01",
    From: message.form.From!,
    To: message.form.To!,
    MessageSid: message.sid!,
    SmsSid: message.sid!,
    MessageStatus: status,
    SmsStatus: status,
  };
  const { pathname, search } = new URL(url);
  const res = await fetch(`${herald.url}${pathname}${search}`, {
    method: "POST",
    body: new URLSearchParams(params),
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(fake.authToken, url, params) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Triggers an SMS and returns the message as the fake received it, with the notification's id. */
async function sendSms(userId: string) {
  await herald.call("PUT", `/v1/users/${userId}`, { phone: "+14155550100" });
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    channels: ["sms"],
    data: catalog.order_placed.example,
  });
  expect(res.status).toBe(202);
  const [message] = await fake.waitFor(1);
  const notificationId = new URL(message!.form.StatusCallback!).searchParams.get("notificationId")!;
  return { message: message!, notificationId };
}

const notification = async (id: string) => (await herald.call("GET", `/v1/notifications/${id}`)).body;
const sendJobDone = (id: string) =>
  eventually(async () => {
    const job = await herald.worker!.deps.queues.get("sms").getJob(id);
    // `finishedOn` is written with the return value: a job read just before it completed has neither.
    return job?.finishedOn && (await job.getState()) === "completed" ? job : null;
  });

describe("a Twilio that queues the message but answers too late", () => {
  it("records SENT from the status callback, so the timeout that follows sends no second SMS", async () => {
    fake.holdAnswers(TIMEOUT_MS * 3);
    const { message, notificationId } = await sendSms("slow_answer");
    // Twilio has the message; the worker's create call is still waiting for its answer.
    const sent = await statusCallback(message, "sent");
    expect(sent).toMatchObject({ status: 200, body: { notificationId, result: "updated" } });
    expect(await notification(notificationId)).toMatchObject({
      status: "SENT",
      provider: "twilio",
      providerMessageId: message.sid,
    });
    // The call times out after the row was recorded SENT: the failure is noted, and the job ends.
    await expect(fake.waitFor(2, TIMEOUT_MS * 2 + RETRY_MS)).rejects.toThrow(/got 1 /);
    const job = await sendJobDone(notificationId);
    expect(job.returnvalue).toMatchObject({ status: "SKIPPED", current: "SENT" });
    const failures = (await notification(notificationId)).timeline.filter(
      (t: { status: string }) => t.status === "FAILED",
    );
    // Ignored as late, or (on a machine slow enough for the timeout to come before the callback)
    // recorded, in which case its retry found the row SENT.
    expect(failures).toHaveLength(1);
    expect(job.attemptsMade).toBe(failures[0].detail.ignored ? 1 : 2);

    expect((await statusCallback(message, "delivered")).body).toMatchObject({ result: "updated" });
    const n = await notification(notificationId);
    expect(n.status).toBe("DELIVERED");
    // A FAILED entry only if the machine was slow enough for the timeout to come before the callback.
    const statuses = n.timeline.map((t: { status: string }) => t.status);
    expect(statuses.filter((s: string) => s !== "FAILED")).toEqual([
      "PENDING",
      "QUEUED",
      "SENT",
      "DELIVERED",
    ]);
    expect(fake.received).toHaveLength(1);
  });

  it("the worker's own record of the same sid, when the answer does come, moves nothing", async () => {
    fake.holdAnswers(TIMEOUT_MS / 2);
    const { message, notificationId } = await sendSms("late_answer");
    expect((await statusCallback(message, "delivered")).body).toMatchObject({ result: "updated" });
    const job = await sendJobDone(notificationId);
    expect(job.returnvalue).toMatchObject({ status: "SENT" });
    const n = await notification(notificationId);
    expect(n).toMatchObject({ status: "DELIVERED", providerMessageId: message.sid });
    expect(n.timeline.filter((t: { status: string }) => t.status === "SENT")).toHaveLength(1);
    expect(fake.received).toHaveLength(1);
  });
});

describe("a create call that times out on its last attempt after the callback recorded SENT", () => {
  it("ends quietly: no DEAD, no dead letter, no ops alert, no dead-letter count", async () => {
    // Three attempts refused, then the last one queued by Twilio but answered too late.
    fake.failWith({ status: 503, times: 3 });
    fake.holdAnswers(TIMEOUT_MS * 3);
    const { notificationId } = await sendSms("late_last_attempt");
    const last = (await fake.waitFor(4, RETRY_MS * 3 + 5000))[3]!;
    expect(last.status).toBe(201);
    expect((await statusCallback(last, "sent")).body).toMatchObject({ notificationId, result: "updated" });

    const job = await sendJobDone(notificationId);
    expect(job.attemptsMade).toBe(4);
    expect(job.returnvalue).toEqual({ status: "SKIPPED", current: "SENT", lateFailure: true });
    const n = await notification(notificationId);
    expect(n).toMatchObject({ status: "SENT", providerMessageId: last.sid, retryCount: 3 });
    expect(n.timeline.at(-1)).toMatchObject({
      status: "FAILED",
      detail: { ignored: true, lateFailure: true, current: "SENT", attempt: 4 },
    });

    // An alert would have gone out GROUP_WAIT_MS after a dead letter.
    await new Promise((r) => setTimeout(r, GROUP_WAIT_MS * 4));
    expect(ops.received).toEqual([]);
    expect(await herald.worker!.deps.queues.get("dead_letter").getJobCounts()).toMatchObject({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
    expect((await herald.call("GET", "/v1/dead-letters")).body.data).toEqual([]);
    const metrics = await fetch(`${herald.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('herald_dead_letters_total{channel="sms"} 0');
  });
});
