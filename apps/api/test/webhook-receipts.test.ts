import { randomBytes } from "node:crypto";
import { findSuppression, getNotification, transition } from "@herald/db";
import { eventually } from "@herald/testkit";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processOnce } from "../src/services/process-once.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ RESEND_WEBHOOK_SECRET: SECRET }, { relay: true });
});
afterAll(async () => {
  await api?.close();
});

const deliveryId = () => `msg_${randomBytes(12).toString("hex")}`;

/** A Resend event signed like Resend does (with svix itself); Svix's retries resend these very headers. */
function signedEvent(type: string, emailId: string, notificationId: string) {
  const body = JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      email_id: emailId,
      to: ["bounced@example.com"],
      tags: [{ name: "notification_id", value: notificationId }],
    },
  });
  const id = deliveryId();
  const at = new Date();
  const headers = {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(SECRET).sign(id, at, body),
    "content-type": "application/json",
  };
  return () => api.app.request("/v1/webhooks/resend", { method: "POST", body, headers });
}

describe("webhook receipts", () => {
  it("a bounce whose processing PostgreSQL walked away from is done on Svix's retry, not called a duplicate", async () => {
    const { notification: n } = await seedNotification(
      api.deps.db,
      `blip_${randomBytes(3).toString("hex")}`,
      {
        channel: "email",
        recipient: { email: "bounced@example.com" },
      },
    );
    const emailId = crypto.randomUUID();
    const post = signedEvent("email.bounced", emailId, n.id);
    // The bounce overtakes the worker's SENT record and waits for it; PostgreSQL goes away meanwhile
    // (as it would for an API killed there, its transaction with it).
    const first = post();
    await new Promise((r) => setTimeout(r, 150));
    await api.relay!.cut();
    expect((await first).status).toBeGreaterThanOrEqual(500);
    await api.relay!.restore();
    await eventually(() =>
      transition(api.deps.db, n.id, "SENT", {
        set: { provider: "resend", providerMessageId: emailId, sentAt: new Date() },
      }),
    );
    const retried = await post();
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ duplicate: false, notificationId: n.id, result: "updated" });
    expect((await getNotification(api.deps.db, n.id))?.status).toBe("BOUNCED");
    expect(await findSuppression(api.deps.db, "email", "bounced@example.com")).toMatchObject({
      reason: "bounced",
    });
    // Svix's next retry of the processed delivery is the duplicate.
    expect(await (await post()).json()).toMatchObject({ duplicate: true });
  });

  it("work cut off after the claim, with PostgreSQL gone before anything could be undone, leaves no receipt", async () => {
    const id = deliveryId();
    const cutOff = processOnce(api.deps.db, "resend", id, async () => {
      await api.relay!.cut();
      throw new Error("the process dies here");
    });
    await expect(cutOff).rejects.toThrow();
    await api.relay!.restore();
    let runs = 0;
    const retried = await eventually(() =>
      processOnce(api.deps.db, "resend", id, async () => {
        runs++;
        return "done";
      }),
    );
    expect(retried).toEqual({ duplicate: false, result: "done" });
    expect(runs).toBe(1);
  });

  it("a delivery arriving while the same one is being processed is a duplicate, and the work runs once", async () => {
    const id = deliveryId();
    let runs = 0;
    let finish!: () => void;
    const slow = processOnce(api.deps.db, "twilio", id, async () => {
      runs++;
      await new Promise<void>((r) => {
        finish = r;
      });
      return "first";
    });
    await eventually(() => runs === 1);
    const second = processOnce(api.deps.db, "twilio", id, async () => {
      runs++;
      return "second";
    });
    await new Promise((r) => setTimeout(r, 100));
    finish();
    expect(await slow).toEqual({ duplicate: false, result: "first" });
    expect(await second).toEqual({ duplicate: true });
    expect(runs).toBe(1);
  });
});
