import { listEventNotifications } from "@herald/db";
import { closedPort, eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { useEmailFakes } from "./email-fakes.ts";
import { sentEmail, timelineOf } from "./sent-checks.ts";

const fakes = useEmailFakes({ env: { PROVIDER_TIMEOUT_MS: "300" } });

describe("Resend's 5xx: which may come after it took the e-mail", () => {
  it.each([500, 502, 504])(
    "%i after Resend took the e-mail: asked again with the same key, which replays its id; SMTP sends nothing",
    async (status) => {
      fakes.resend.spoilAnswers({ status, times: 1 });
      const worker = await fakes.start();
      const n = await sentEmail(
        worker,
        await worker.trigger("order_placed", `gw-${status}`, { channels: ["email"] }),
      );

      const accepted = fakes.resend.accepted();
      expect(accepted).toHaveLength(1);
      expect([n.provider, n.providerMessageId, n.retryCount]).toEqual(["resend", accepted[0]!.id, 0]);
      expect(fakes.smtp.received).toHaveLength(0);
      expect(fakes.resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
        [200, n.id],
        [200, n.id],
      ]);
      const entry = (await timelineOf(worker, n.id)).find((t) => t.status === "SENT");
      expect(entry?.detail).toMatchObject({ failover: [{ provider: "resend", ambiguous: true }] });
    },
  );

  it("a 502 twice: the attempt fails without SMTP, and the next one gets Resend's id", async () => {
    fakes.resend.spoilAnswers({ status: 502, times: 2 });
    const worker = await fakes.start();
    const n = await sentEmail(
      worker,
      await worker.trigger("order_placed", "gw-twice", { channels: ["email"] }),
    );
    expect([n.provider, n.providerMessageId, n.retryCount]).toEqual([
      "resend",
      fakes.resend.accepted()[0]!.id,
      1,
    ]);
    expect(fakes.resend.accepted()).toHaveLength(1);
    expect(fakes.smtp.received).toHaveLength(0);
  });

  it("503 says Resend did not take it: SMTP sends it in the same attempt", async () => {
    fakes.resend.failWith({ status: 503, times: 1 });
    const worker = await fakes.start();
    const n = await sentEmail(
      worker,
      await worker.trigger("order_placed", "gw-503", { channels: ["email"] }),
    );
    expect([n.provider, n.retryCount]).toEqual(["smtp", 0]);
    expect(fakes.resend.received.map((r) => r.status)).toEqual([503]);
  });
});

describe("SMTP silent after the message data: the server may have queued it", () => {
  it.each([
    ["its 250 comes too late", { delayMs: 1500, times: 1 }],
    ["the connection drops before its 250", { cut: true, times: 1 }],
  ])(
    "%s: no failover to Resend, on this attempt or the next ones; SMTP sends it again with the same Message-ID",
    async (_, rule) => {
      fakes.smtp.spoilReplies(rule);
      const worker = await fakes.start({ EMAIL_PROVIDERS: "smtp,resend", EMAIL_RETRY_SCHEDULE: "0,1s,1s" });
      const eventId = await worker.trigger("order_placed", "smtp-late", { channels: ["email"] });
      const failed = await eventually(async () => {
        const n = (await listEventNotifications(worker.deps.db, eventId)).find((x) => x.channel === "email");
        return n?.status === "FAILED" ? n : null;
      });
      expect(failed.ambiguousProvider).toBe("smtp");
      // The next attempt finds SMTP refusing our sender for now (no data sent): still not Resend's turn.
      fakes.smtp.failAt("MAIL FROM", { status: 451, body: "Try again later", times: 1 });
      const n = await sentEmail(worker, eventId);

      expect([n.provider, n.retryCount]).toEqual(["smtp", 2]);
      expect(fakes.resend.received).toHaveLength(0);
      const copies = await fakes.smtp.waitFor(2);
      expect(copies).toHaveLength(2);
      expect(copies.map((m) => m.headers["message-id"])).toEqual([
        `<${n.id}@herald.test>`,
        `<${n.id}@herald.test>`,
      ]);
      const timeline = await timelineOf(worker, n.id);
      expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "FAILED", "FAILED", "SENT"]);
      expect(timeline[2]!.detail).toMatchObject({ provider: "smtp", ambiguous: true });
      expect(timeline[3]!.detail).toMatchObject({ provider: "smtp", code: "451", ambiguous: true });
    },
  );

  it("a refused connection (nothing sent) still fails over to Resend in the same attempt", async () => {
    const refused = await fakes.start({
      EMAIL_PROVIDERS: "smtp,resend",
      SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
    });
    const first = await sentEmail(
      refused,
      await refused.trigger("order_placed", "smtp-down", { channels: ["email"] }),
    );
    expect([first.provider, first.retryCount, first.ambiguousProvider]).toEqual(["resend", 0, null]);
  });

  it("a 4xx reply to the data is a definite refusal: Resend sends it in the same attempt", async () => {
    fakes.smtp.failWith({ status: 451, times: 1 });
    const worker = await fakes.start({ EMAIL_PROVIDERS: "smtp,resend" });
    const n = await sentEmail(
      worker,
      await worker.trigger("order_placed", "smtp-451", { channels: ["email"] }),
    );
    expect([n.provider, n.retryCount, n.ambiguousProvider]).toEqual(["resend", 0, null]);
  });
});
