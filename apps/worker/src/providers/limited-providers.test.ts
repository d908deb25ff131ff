import type { RedisClient } from "@herald/jobs";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../env.ts";
import type { EmailProvider } from "./email/email-message.ts";
import { limitedProviders } from "./limited-providers.ts";
import type { ChannelSender } from "./provider.ts";
import type { PushProvider } from "./push/push-message.ts";

/** A Redis client any use of which fails the test: a provider without a limit must not touch Redis. */
const untouchable = new Proxy({} as RedisClient, {
  get(_, property) {
    throw new Error(`Redis used: ${String(property)}`);
  },
});

const providerEnv = (vars: Record<string, string> = {}) =>
  loadWorkerEnv({ DATABASE_URL: "postgres://x/y", REDIS_URL: "redis://x", ...vars }).providers;

const resend: EmailProvider = {
  name: "resend",
  batchMax: 100,
  send: async () => ({ messageId: "re_1" }),
  sendBatch: async (messages) => messages.map((_, i) => ({ messageId: `re_${i}` })),
  close: async () => {},
};
const smtp: EmailProvider = { name: "smtp", send: async () => ({ messageId: "<1@x>" }) };
const fcm: PushProvider = { name: "fcm", kind: "fcm", send: async () => ({ messageId: "m1" }) };
const twilio: ChannelSender = {
  channel: "sms",
  providers: ["twilio"],
  send: async () => ({ provider: "twilio", providerMessageId: "SM1" }),
};

describe("limitedProviders", () => {
  it("hands back each provider without a limit as it is: no wrapper, no Redis call on the hot path", async () => {
    const limits = limitedProviders(providerEnv({ SMTP_RATE_LIMIT: "1/1s" }), untouchable, "herald");
    expect(limits.email(resend, "resend", "re_key")).toBe(resend);
    expect(limits.push(fcm, "fcm", "project")).toBe(fcm);
    expect(limits.sender(twilio, "twilio", "AC1|+1")).toBe(twilio);
    await expect(limits.email(resend, "resend", "re_key").send({} as never)).resolves.toEqual({
      messageId: "re_1",
    });
  });

  it("keeps what the callers read off a limited provider: its name, kind, batch size, and batch sends only where it had them", () => {
    const limits = limitedProviders(
      providerEnv({ RESEND_RATE_LIMIT: "2/1s", SMTP_RATE_LIMIT: "1/1s", FCM_RATE_LIMIT: "5/1s" }),
      untouchable,
      "herald",
    );
    const limitedResend = limits.email(resend, "resend", "re_key");
    expect(limitedResend).not.toBe(resend);
    expect(limitedResend).toMatchObject({ name: "resend", batchMax: 100 });
    expect(typeof limitedResend.sendBatch).toBe("function");
    expect(typeof limitedResend.close).toBe("function");
    // The e-mail sender batches only through a provider with sendBatch.
    const limitedSmtp = limits.email(smtp, "smtp", "host:25|");
    expect(limitedSmtp.name).toBe("smtp");
    expect(limitedSmtp).not.toHaveProperty("sendBatch");
    expect(limitedSmtp).not.toHaveProperty("batchMax");
    expect(limits.push(fcm, "fcm", "project")).toMatchObject({ name: "fcm", kind: "fcm" });
  });
});
