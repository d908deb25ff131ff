import { getTimeline, listEventNotifications, type NotificationRow } from "@herald/db";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { useEmailFakes } from "./email-fakes.ts";
import type { TestWorker } from "./test-worker.ts";

const fakes = useEmailFakes({ smtpAuth: true });

async function settled(w: TestWorker, eventId: string, status: "SENT" | "FAILED"): Promise<NotificationRow> {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "email");
    // A FAILED row awaiting its retry is not settled; one that failed for good has its reason.
    return n?.status === status && (status === "SENT" || n.reason) ? n : null;
  });
}

describe("Resend refusing our account (401/403) is no verdict on the e-mail", () => {
  // Resend's own answers (https://fakes.resend.com/docs/api-reference/errors): validation_error with 403.
  const refusals = [
    {
      status: 403,
      name: "validation_error",
      message: "The herald.test domain is not verified. Please, add and verify your domain.",
    },
    {
      status: 403,
      name: "validation_error",
      message: "You can only send testing emails to your own email address (ops@herald.test).",
    },
    { status: 401, name: "validation_error", message: "This API key cannot send from this address." },
  ];

  it.each(refusals)("$status $name ($message): fails over to SMTP in the same attempt", async (refusal) => {
    fakes.resend.failWith({ status: refusal.status, body: { name: refusal.name, message: refusal.message } });
    const worker = await fakes.start();
    const eventId = await worker.trigger("order_placed", "domain", { channels: ["email"] });
    const n = await settled(worker, eventId, "SENT");

    expect([n.provider, n.retryCount]).toEqual(["smtp", 0]);
    expect(fakes.smtp.received).toHaveLength(1);
    const sent = (await getTimeline(worker.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ failover: [{ provider: "resend", code: refusal.name }] });
  });
});

describe("SMTP: a 5xx is permanent only when it refuses this message", () => {
  it("550 at MAIL FROM (our sender refused) is transient: the attempt retries and then sends", async () => {
    fakes.smtp.failAt("MAIL FROM", {
      status: 550,
      body: "5.7.1 Sender address rejected: not owned by user",
      times: 1,
    });
    const worker = await fakes.start({ EMAIL_PROVIDERS: "smtp" });
    const n = await settled(
      worker,
      await worker.trigger("order_placed", "sender", { channels: ["email"] }),
      "SENT",
    );

    expect([n.provider, n.retryCount]).toEqual(["smtp", 1]);
    const failed = (await getTimeline(worker.deps.db, n.id)).find((t) => t.status === "FAILED");
    expect(failed?.detail).toMatchObject({ provider: "smtp", code: "550", kind: "transient" });
    expect((failed!.detail as { error: string }).error).toContain("MAIL FROM");
  });

  it("550 at RCPT TO (this recipient refused) fails the notification at once, without retries", async () => {
    fakes.smtp.failAt("RCPT TO", { status: 550, body: "5.1.1 User unknown" });
    const worker = await fakes.start({ EMAIL_PROVIDERS: "smtp" });
    const n = await settled(
      worker,
      await worker.trigger("order_placed", "nobody", { channels: ["email"] }),
      "FAILED",
    );

    expect([n.reason, n.retryCount]).toEqual(["permanent_error", 0]);
    expect(n.lastError).toContain("User unknown");
    expect(fakes.smtp.received).toHaveLength(0);
  });
});
