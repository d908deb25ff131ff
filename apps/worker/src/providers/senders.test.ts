import type { Db } from "@herald/db";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../env.ts";
import { createSenders } from "./senders.ts";

const build = (vars: Record<string, string>) =>
  createSenders(
    loadWorkerEnv({
      DATABASE_URL: "postgres://x/y",
      REDIS_URL: "redis://x",
      UNSUBSCRIBE_SECRET: "unsubscribe-secret-for-tests-0123456789",
      TRACKING_SECRET: "tracking-secret-for-tests-0123456789",
      ...vars,
    }),
    {} as Db,
    {} as Redis,
  );

describe("createSenders", () => {
  it("uses the dev outbox for every channel without providers outside production", () => {
    const s = build({});
    expect([s.email.providers, s.sms.providers, s.push.providers, s.in_app.providers]).toEqual([
      ["outbox"],
      ["outbox"],
      ["outbox"],
      ["inbox"],
    ]);
  });

  it("refuses to start in production with a channel that has no provider, naming each", () => {
    expect(() => build({ NODE_ENV: "production", EMAIL_PROVIDERS: "outbox" })).toThrow(
      /No provider configured for sms[\s\S]*No provider configured for push/,
    );
  });

  it("lists every missing credential at once", () => {
    let message = "";
    try {
      build({ EMAIL_PROVIDERS: "resend,smtp", SMS_PROVIDERS: "twilio", PUSH_PROVIDERS: "fcm,apns" });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const expected of [
      "e-mail needs EMAIL_FROM",
      "resend needs RESEND_API_KEY",
      "smtp needs SMTP_URL",
      "twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN",
      "fcm needs FCM_SERVICE_ACCOUNT",
      "apns needs APNS_KEY, APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC",
    ]) {
      expect(message).toContain(expected);
    }
  });

  it("infers providers from the credentials present, in failover order resend then smtp", () => {
    const s = build({
      EMAIL_FROM: "a@b.co",
      SMTP_URL: "smtp://localhost:2525",
      RESEND_API_KEY: "re_x",
      TWILIO_ACCOUNT_SID: "AC1",
      TWILIO_AUTH_TOKEN: "t",
      TWILIO_FROM: "+15005550006",
    });
    expect(s.email.providers).toEqual(["resend", "smtp"]);
    expect(s.sms.providers).toEqual(["twilio"]);
  });

  it("needs VAPID keys and subject for web push in production", () => {
    expect(() =>
      build({
        NODE_ENV: "production",
        EMAIL_PROVIDERS: "outbox",
        SMS_PROVIDERS: "outbox",
        PUSH_PROVIDERS: "webpush",
      }),
    ).toThrow(/webpush needs VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY[\s\S]*webpush needs VAPID_SUBJECT/);
  });

  it("rejects an unknown provider name at env parsing", () => {
    expect(() => build({ EMAIL_PROVIDERS: "sendgrid" })).toThrow(/EMAIL_PROVIDERS/);
  });
});
