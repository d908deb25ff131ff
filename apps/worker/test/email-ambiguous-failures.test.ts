import { createServer } from "node:net";
import { listEventNotifications } from "@herald/db";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../src/providers/email/email-message.ts";
import { resendProvider } from "../src/providers/email/resend-provider.ts";
import { acceptGroup } from "./accept-group.ts";
import { useEmailFakes } from "./email-fakes.ts";
import { sentEmail, timelineOf } from "./sent-checks.ts";

const fakes = useEmailFakes({ env: { PROVIDER_TIMEOUT_MS: "300" } });

describe("Resend may have accepted the e-mail: no failover, the same key again", () => {
  it("a timeout after Resend took the e-mail: the same-key retry gets its id, and SMTP sends nothing", async () => {
    fakes.resend.spoilAnswers({ delayMs: 1500, times: 1 });
    const worker = await fakes.start();
    const n = await sentEmail(worker, await worker.trigger("order_placed", "slow", { channels: ["email"] }));

    const accepted = fakes.resend.accepted();
    expect(accepted).toHaveLength(1);
    expect([n.provider, n.providerMessageId, n.retryCount]).toEqual(["resend", accepted[0]!.id, 0]);
    expect(fakes.smtp.received).toHaveLength(0);
    // Two requests with one key: the first (its answer lost) and the replay.
    expect(fakes.resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [200, n.id],
      [200, n.id],
    ]);
    const sentEntry = (await timelineOf(worker, n.id)).find((t) => t.status === "SENT");
    expect(sentEntry?.detail).toMatchObject({
      provider: "resend",
      failover: [{ provider: "resend", code: "timeout", ambiguous: true }],
    });
  });

  it("when the same-key retry times out too, the attempt fails without SMTP; the next attempt gets Resend's id", async () => {
    fakes.resend.spoilAnswers({ delayMs: 1500, times: 2 });
    const worker = await fakes.start();
    const n = await sentEmail(
      worker,
      await worker.trigger("order_placed", "slower", { channels: ["email"] }),
    );

    const accepted = fakes.resend.accepted();
    expect(accepted).toHaveLength(1);
    expect([n.provider, n.providerMessageId, n.retryCount]).toEqual(["resend", accepted[0]!.id, 1]);
    expect(fakes.smtp.received).toHaveLength(0);
    const timeline = await timelineOf(worker, n.id);
    expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "FAILED", "SENT"]);
    expect(timeline[2]!.detail).toMatchObject({ provider: "resend", code: "timeout", ambiguous: true });
  });

  it("409 concurrent_idempotent_requests (the key is being processed) is not failed over", async () => {
    const concurrent = {
      name: "concurrent_idempotent_requests",
      message: "Same idempotency key used while original request is still in progress.",
    };
    fakes.resend.failWith({ status: 409, body: concurrent, times: 2 });
    const worker = await fakes.start();
    const n = await sentEmail(worker, await worker.trigger("order_placed", "busy", { channels: ["email"] }));

    expect([n.provider, n.retryCount]).toEqual(["resend", 1]);
    expect(fakes.smtp.received).toHaveLength(0);
    expect(fakes.resend.received.map((r) => r.status)).toEqual([409, 409, 200]);
    const failed = (await timelineOf(worker, n.id)).find((t) => t.status === "FAILED");
    expect(failed?.detail).toMatchObject({ code: "concurrent_idempotent_requests", ambiguous: true });
  });

  it("a slow first request: the retry meets it in progress (409), and a later attempt gets its id", async () => {
    fakes.resend.setLatency(1000);
    const worker = await fakes.start({ EMAIL_RETRY_SCHEDULE: "0,1500ms,1500ms" });
    const eventId = await worker.trigger("order_placed", "inflight", { channels: ["email"] });
    await eventually(async () => {
      const [n] = await listEventNotifications(worker!.deps.db, eventId);
      return n?.status === "FAILED" ? n : null;
    });
    fakes.resend.setLatency(0);
    const n = await sentEmail(worker, eventId);

    const accepted = fakes.resend.accepted();
    expect(accepted).toHaveLength(1);
    expect([n.provider, n.providerMessageId]).toEqual(["resend", accepted[0]!.id]);
    expect(fakes.smtp.received).toHaveLength(0);
    expect(fakes.resend.received.filter((r) => r.status === 409).length).toBeGreaterThanOrEqual(1);
  });

  it("an answer cut off mid-body (a broken read of a 200) is retried with the same key, not failed over", async () => {
    fakes.resend.spoilAnswers({ cut: true, times: 1 });
    const worker = await fakes.start();
    const n = await sentEmail(worker, await worker.trigger("order_placed", "cut", { channels: ["email"] }));
    expect([n.provider, n.providerMessageId]).toEqual(["resend", fakes.resend.accepted()[0]!.id]);
    expect(fakes.resend.accepted()).toHaveLength(1);
    expect(fakes.smtp.received).toHaveLength(0);
  });

  it("a refused connection provably never reached Resend: it still fails over to SMTP at once", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    const worker = await fakes.start({ RESEND_BASE_URL: `http://127.0.0.1:${port}` });
    const n = await sentEmail(
      worker,
      await worker.trigger("order_placed", "refused", { channels: ["email"] }),
    );

    expect([n.provider, n.retryCount]).toEqual(["smtp", 0]);
    expect(fakes.smtp.received).toHaveLength(1);
    const sentEntry = (await timelineOf(worker, n.id)).find((t) => t.status === "SENT");
    expect(sentEntry?.detail).toMatchObject({ failover: [{ provider: "resend", code: "network" }] });
    expect((sentEntry!.detail.failover as { ambiguous?: boolean }[])[0]!.ambiguous).toBeUndefined();
  });
});

describe("Resend batch requests", () => {
  it("a batch request that timed out after Resend took it is asked again with the same key, not sent through SMTP", async () => {
    fakes.resend.spoilAnswers({ delayMs: 1500, times: 1 });
    const worker = await fakes.start();
    const { ids } = await acceptGroup(worker, [{ userId: "t-1" }, { userId: "t-2" }, { userId: "t-3" }]);
    const rows = await eventually(async () => {
      const found = (await Promise.all(ids.map((id) => listEventNotifications(worker!.deps.db, id)))).flat();
      return found.length === 3 && found.every((n) => n.status === "SENT") ? found : null;
    }, 15_000);
    const accepted = fakes.resend.accepted();
    expect(accepted).toHaveLength(3);
    expect(fakes.smtp.received).toHaveLength(0);
    for (const n of rows) {
      expect(n.provider).toBe("resend");
      // Each row got the id Resend gave its own e-mail.
      const mine = accepted.find((r) =>
        r.body.tags?.some((t) => t.name === "notification_id" && t.value === n.id),
      );
      expect(n.providerMessageId).toBe(mine!.id);
    }
  });

  const message = (notificationId: string): EmailMessage => ({
    notificationId,
    to: `${notificationId}@example.com`,
    from: "a@herald.test",
    subject: `For ${notificationId}`,
    html: "<p>x</p>",
    text: "x",
    tags: [{ name: "notification_id", value: notificationId }],
  });

  it("the same rows in another order are the same request: one key, Resend's replay, each id with its own e-mail", async () => {
    const provider = resendProvider({ apiKey: "re_test_key", baseUrl: fakes.resend.url, timeoutMs: 2000 });
    const rows = ["ntf_b", "ntf_c", "ntf_a"].map(message);
    const first = await provider.sendBatch!(rows);
    const again = await provider.sendBatch!([rows[2]!, rows[0]!, rows[1]!]);

    expect(fakes.resend.accepted()).toHaveLength(3);
    expect(new Set(fakes.resend.received.map((r) => r.idempotencyKey)).size).toBe(1);
    const idOf = (answers: typeof first, i: number) => (answers[i] as { messageId: string }).messageId;
    expect([idOf(again, 0), idOf(again, 1), idOf(again, 2)]).toEqual([
      idOf(first, 2),
      idOf(first, 0),
      idOf(first, 1),
    ]);
    // And each id is the one Resend gave that row's own e-mail.
    for (const [i, row] of rows.entries()) {
      const taken = fakes.resend.accepted().find((r) => r.id === idOf(first, i));
      expect(taken?.body.to).toEqual([row.to]);
    }
  });
});
