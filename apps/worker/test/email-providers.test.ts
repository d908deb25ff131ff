import { getTimeline, listEventNotifications, type NotificationRow, type RecipientRow } from "@herald/db";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { emailSender } from "../src/providers/email/email-sender.ts";
import { resendProvider } from "../src/providers/email/resend-provider.ts";
import { smtpProvider } from "../src/providers/email/smtp-provider.ts";
import { acceptGroup } from "./accept-group.ts";
import { useEmailFakes } from "./email-fakes.ts";
import type { TestWorker } from "./test-worker.ts";

const fakes = useEmailFakes({ smtpAuth: true, env: { EMAIL_REPLY_TO: "support@herald.test" } });

async function emailNotification(w: TestWorker, eventId: string, status: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "email");
    return n?.status === status ? n : null;
  });
}

/**
 * The group's `count` notifications once each is in a status `done` accepts.
 * Waits up to 20 s: these tests are about requests and rows, not speed, and
 * a loaded CI machine once took over 10 s for three retried sends. A timeout,
 * or a wait over 5 s, says where each row stood, what Resend was sent and
 * which e-mail jobs were waiting or delayed (a CI run cannot be re-run).
 */
async function groupRows(
  w: TestWorker,
  ids: string[],
  count: number,
  done: (status: string) => boolean = (status) => status === "SENT",
) {
  const load = async () => (await Promise.all(ids.map((id) => listEventNotifications(w.deps.db, id)))).flat();
  const explain = async () => {
    const jobs = await w.deps.queues
      .get("email")
      .getJobs(["waiting", "prioritized", "delayed", "active", "failed"]);
    return {
      rows: (await load()).map((n) => [n.id, n.status, n.retryCount, n.sendJob, n.provider]),
      resend: fakes.resend.received.map((r) => [r.status, r.batch ?? false, r.idempotencyKey]),
      jobs: await Promise.all(
        jobs.map(async (j) => [j.id, await j.getState(), j.timestamp, j.delay, j.attemptsMade]),
      ),
      now: Date.now(),
    };
  };
  const started = performance.now();
  const rows = await eventually(
    async () => {
      const found = await load();
      return found.length === count && found.every((n) => done(n.status)) ? found : null;
    },
    { timeoutMs: 20_000, explain },
  );
  const took = performance.now() - started;
  if (took > 5000) console.warn(`slow group (${took.toFixed(0)} ms): ${JSON.stringify(await explain())}`);
  return rows;
}

const emailContent = (n: NotificationRow) => n.content as { subject: string; html: string; text: string };

describe("e-mail through Resend with SMTP failover", () => {
  it("sends through the resend SDK with the rendered HTML, text, subject and the notification id as idempotency key", async () => {
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "ada", { channels: ["email"] });
    const n = await emailNotification(worker, eventId, "SENT");

    const [req] = fakes.resend.accepted();
    expect(fakes.resend.received).toHaveLength(1);
    expect(req!.idempotencyKey).toBe(n.id);
    expect(req!.apiKey).toBe("re_test_key");
    expect(req!.body).toMatchObject({
      from: "Herald <notifications@herald.test>",
      to: ["ada@example.com"],
      subject: "Order A-1042 confirmed",
      html: emailContent(n).html,
      text: emailContent(n).text,
      reply_to: "support@herald.test",
    });
    expect(req!.body.html).toContain("Linen shirt");
    expect(req!.body.tags).toEqual(
      expect.arrayContaining([
        { name: "notification_id", value: n.id },
        { name: "type", value: "order_placed" },
      ]),
    );
    expect(n.provider).toBe("resend");
    expect(n.providerMessageId).toBe(req!.id);
    expect(fakes.smtp.received).toHaveLength(0);
  });

  it("fails over to SMTP when Resend answers 503, and records smtp as the provider", async () => {
    fakes.resend.failWith({ status: 503 });
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "grace", { channels: ["email"] });
    const n = await emailNotification(worker, eventId, "SENT");

    expect(n.provider).toBe("smtp");
    expect(n.retryCount).toBe(0);
    expect(fakes.resend.received.map((r) => r.status)).toEqual([503]);
    const [mail] = await fakes.smtp.waitFor(1);
    expect(mail!.user).toBe("herald");
    expect(mail!.envelope).toEqual({ from: "notifications@herald.test", to: ["grace@example.com"] });
    expect(mail!.subject).toBe("Order A-1042 confirmed");
    expect(mail!.html).toBe(emailContent(n).html);
    expect(mail!.text).toBe(emailContent(n).text);
    expect(mail!.headers["message-id"]).toBe(`<${n.id}@herald.test>`);
    expect(mail!.headers["reply-to"]).toContain("support@herald.test");
    expect(n.providerMessageId).toBe(`<${n.id}@herald.test>`);

    const sent = (await getTimeline(worker.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({
      provider: "smtp",
      failover: [{ provider: "resend", code: "application_error" }],
    });
  });

  // A timeout is no reason to fail over: Resend may have taken the e-mail (email-ambiguous-failures.test.ts).
  it("fails over on 429", async () => {
    fakes.resend.failWith({ status: 429, retryAfter: 30, times: 1 });
    const worker = await fakes.start();
    const first = await emailNotification(
      worker,
      await worker.trigger("order_placed", "u429", { channels: ["email"] }),
      "SENT",
    );
    expect(first.provider).toBe("smtp");
    expect(fakes.smtp.received).toHaveLength(1);
  });

  it("does not fail over on a permanent error: an invalid recipient fails at once, without retries", async () => {
    fakes.resend.failWith({
      status: 422,
      body: { name: "validation_error", message: "Invalid `to` field." },
    });
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "bad", { channels: ["email"] });
    const n = await emailNotification(worker, eventId, "FAILED");
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.resend.received).toHaveLength(1);
    expect(fakes.smtp.received).toHaveLength(0);
    expect(n.reason).toBe("permanent_error");
    expect(n.retryCount).toBe(0);
    expect(n.lastError).toContain("validation_error");
  });

  it("counts the attempt as failed only when every provider failed transiently, then retries", async () => {
    // 503: Resend did not take it, so SMTP is tried (a 500 may come after Resend took the e-mail).
    fakes.resend.failWith({ status: 503, times: 1 });
    fakes.smtp.failWith({ status: 451, times: 1 });
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "retry", { channels: ["email"] });
    const n = await emailNotification(worker, eventId, "SENT");
    expect(n.retryCount).toBe(1);
    expect(n.provider).toBe("resend");
    const statuses = (await getTimeline(worker.deps.db, n.id)).map((t) => t.status);
    expect(statuses).toEqual(["PENDING", "QUEUED", "FAILED", "SENT"]);
  });
});

describe("e-mail message details", () => {
  const ctx = (headers?: Record<string, string>) => ({
    attempt: 1,
    devices: [],
    recipient: { email: "lin@example.com" } as RecipientRow,
    notification: {
      id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
      type: "weekly_promo",
      category: "marketing",
      content: {
        channel: "email",
        subject: "Hi",
        html: "<p>Hi</p>",
        text: "Hi",
        ...(headers ? { headers } : {}),
      },
    } as unknown as NotificationRow,
  });

  it("passes template headers (List-Unsubscribe) to Resend and SMTP", async () => {
    const headers = {
      "List-Unsubscribe": "<https://herald.test/u/abc>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    };
    const viaResend = emailSender(
      [resendProvider({ apiKey: "re_test_key", baseUrl: fakes.resend.url, timeoutMs: 2000 })],
      {
        from: "a@herald.test",
      },
    );
    const viaSmtp = emailSender([smtpProvider({ url: fakes.smtp.smtpUrl, timeoutMs: 2000 })], {
      from: "a@herald.test",
    });
    await viaResend.send(ctx(headers));
    await viaSmtp.send(ctx(headers));
    await viaSmtp.close?.();
    expect(fakes.resend.received[0]!.body.headers).toEqual(headers);
    const [mail] = await fakes.smtp.waitFor(1);
    expect(mail!.headers["list-unsubscribe"]).toBe("<https://herald.test/u/abc>");
    expect(mail!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("sends a send batch's e-mails in one Resend batch request; an address Resend refuses fails alone", async () => {
    const worker = await fakes.start();
    const users = ["b-1", "b-2", "b-3", "b-4"];
    const { ids } = await acceptGroup(
      worker,
      users.map((userId) => ({ userId, ...(userId === "b-3" ? { email: "not-an-address" } : {}) })),
    );
    const rows = await groupRows(worker, ids, 4, (status) => status === "SENT" || status === "FAILED");
    expect(rows.map((n) => n.status)).toEqual(["SENT", "SENT", "FAILED", "SENT"]);
    expect(rows[2]!.reason).toBe("permanent_error");
    // One request: every e-mail of it recorded as part of a batch, under one key made of the ids.
    expect(fakes.resend.received.every((r) => r.batch)).toBe(true);
    expect(new Set(fakes.resend.received.map((r) => r.idempotencyKey))).toEqual(
      new Set([expect.stringMatching(/^batch-[0-9a-f]{64}$/)]),
    );
    const accepted = fakes.resend.accepted();
    expect(accepted.map((r) => r.body.to)).toEqual([
      ["b-1@example.com"],
      ["b-2@example.com"],
      ["b-4@example.com"],
    ]);
    for (const n of [rows[0]!, rows[1]!, rows[3]!]) {
      expect(n.provider).toBe("resend");
      expect(accepted.map((r) => r.id)).toContain(n.providerMessageId);
    }
    expect(fakes.smtp.received).toHaveLength(0);
  });

  it("batches under EMAIL_RATE_LIMIT too: the limiter counts jobs, and each batch job is one Resend request", async () => {
    const worker = await fakes.start({ EMAIL_PROVIDERS: "resend", EMAIL_RATE_LIMIT: "1/1s" });
    const { ids } = await acceptGroup(
      worker,
      ["r-1", "r-2", "r-3"].map((userId) => ({ userId })),
    );
    const rows = await groupRows(worker, ids, 3);
    expect(new Set(rows.map((n) => n.sendJob)).size).toBe(1);
    expect(fakes.resend.received).toHaveLength(3);
    expect(fakes.resend.received.every((r) => r.batch)).toBe(true);
    expect(new Set(fakes.resend.received.map((r) => r.idempotencyKey)).size).toBe(1);
  });

  it("fails a send batch's e-mails over to SMTP one by one when Resend's batch request fails", async () => {
    fakes.resend.failWith({ status: 503, times: 1 });
    const worker = await fakes.start();
    const { ids } = await acceptGroup(worker, [{ userId: "f-1" }, { userId: "f-2" }]);
    const rows = await groupRows(worker, ids, 2);
    expect(rows.map((n) => n.provider)).toEqual(["smtp", "smtp"]);
    expect(fakes.resend.received.map((r) => r.status)).toEqual([503]);
    expect(fakes.smtp.received).toHaveLength(2);
    const sent = (await getTimeline(worker.deps.db, rows[0]!.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ failover: [{ provider: "resend", code: "application_error" }] });
  });

  it("retries a whole Resend batch that failed as one batch: one job and one request per attempt, not one per e-mail", async () => {
    fakes.resend.failWith({ status: 503, times: 2 });
    const worker = await fakes.start({ EMAIL_PROVIDERS: "resend" });
    const users = ["o-1", "o-2", "o-3"];
    const { ids } = await acceptGroup(
      worker,
      users.map((userId) => ({ userId })),
    );
    const rows = await groupRows(worker, ids, 3);
    // Two refused requests, then one that carries all three: each attempt was one batch request.
    expect(fakes.resend.received.map((r) => [r.status, r.batch ?? false])).toEqual([
      [503, false],
      [503, false],
      [200, true],
      [200, true],
      [200, true],
    ]);
    // Same rows, same key: had a refused request gone through, Resend would not send twice.
    expect(new Set(fakes.resend.received.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(new Set(rows.map((n) => n.sendJob)).size).toBe(1);
    const email = worker.deps.queues.get("email");
    const last = rows[0]!.sendJob!;
    for (const n of rows) {
      expect(n.retryCount).toBe(2);
      expect(n.sendJob).toMatch(/^snd_.+-a3-[0-9a-f]{12}$/);
      expect(await email.getJob(n.id)).toBeUndefined();
      const timeline = await getTimeline(worker.deps.db, n.id);
      expect(timeline.map((t) => [t.status, (t.detail as { attempt?: number } | null)?.attempt])).toEqual([
        ["PENDING", undefined],
        ["QUEUED", undefined],
        ["FAILED", 1],
        ["FAILED", 2],
        ["SENT", 3],
      ]);
    }
    const rowIds = rows.map((n) => n.id).sort();
    const firstBatch = await email.getJob(last.replace(/-a3-[0-9a-f]{12}$/, ""));
    expect(firstBatch?.returnvalue).toMatchObject({ sent: 0, retrying: 3 });
    const third = await email.getJob(last);
    expect(third?.data.priorAttempts).toBe(2);
    expect([...third!.data.notificationIds].sort()).toEqual(rowIds);
    expect(third?.returnvalue).toMatchObject({ sent: 3, retrying: 0 });
  });

  it("a repeated attempt reuses the idempotency key, so Resend sends once", async () => {
    const sender = emailSender(
      [resendProvider({ apiKey: "re_test_key", baseUrl: fakes.resend.url, timeoutMs: 2000 })],
      {
        from: "a@herald.test",
      },
    );
    const a = await sender.send(ctx());
    const b = await sender.send(ctx());
    expect(b.providerMessageId).toBe(a.providerMessageId);
    expect(fakes.resend.accepted()).toHaveLength(1);
  });
});
