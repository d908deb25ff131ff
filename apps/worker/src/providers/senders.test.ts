import { spawnSync } from "node:child_process";
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
      PUBLIC_URL: "https://herald.example.com",
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

  // A router-only or e-mail-only process needs no SMS or push credentials (WORKER_CHANNELS).
  it("in production, checks only the channels this process sends on", () => {
    const emailOnly = { NODE_ENV: "production", EMAIL_FROM: "a@b.co", SMTP_URL: "smtp://localhost:2525" };
    expect(() => build({ ...emailOnly, WORKER_CHANNELS: "events,email" })).not.toThrow();
    expect(() => build({ ...emailOnly, WORKER_CHANNELS: "events,email,sms" })).toThrow(
      /No provider configured for sms/,
    );
    const router = build({ ...emailOnly, WORKER_CHANNELS: "events" });
    expect(router.email.providers).toEqual(["smtp"]);
    // Never used there; it says why if it were.
    return expect(router.sms.send({} as never)).rejects.toThrow(
      /sms is not configured in this worker process/,
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

  it("refuses at start-up a Twilio account SID the SDK would refuse at the first send", () => {
    const twilio = { TWILIO_AUTH_TOKEN: "t", TWILIO_FROM: "+15005550006" };
    expect(() => build({ ...twilio, TWILIO_ACCOUNT_SID: "SK123" })).toThrow(
      /TWILIO_ACCOUNT_SID must start with AC/,
    );
    expect(build({ ...twilio, TWILIO_ACCOUNT_SID: "AC123" }).sms.providers).toEqual(["twilio"]);
  });

  it("loads a provider's SDK only when it first sends, not when the sender is built", () => {
    // A process of its own: this one's module cache has seen the SDKs in other tests.
    const script = `
      import { createRequire } from "node:module";
      import { loadWorkerEnv } from "./apps/worker/src/env.ts";
      import { createSenders } from "./apps/worker/src/providers/senders.ts";
      const env = loadWorkerEnv({
        DATABASE_URL: "postgres://x/y", REDIS_URL: "redis://x",
        UNSUBSCRIBE_SECRET: "unsubscribe-secret-for-tests-0123456789",
        TRACKING_SECRET: "tracking-secret-for-tests-0123456789",
        EMAIL_FROM: "a@b.co", RESEND_API_KEY: "re_x", SMTP_URL: "smtp://127.0.0.1:1",
        TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t", TWILIO_FROM: "+15005550006",
        PUSH_PROVIDERS: "webpush",
      });
      const db = { select() { throw new Error("no database here"); } };
      const s = createSenders(env, db, {});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache)
        .flatMap((f) => /node_modules[/](twilio|nodemailer|web-push)[/]/.exec(f)?.[1] ?? []);
      const before = [...new Set(loaded())];
      await s.sms.send({ notification: { id: "ntf_1", content: { channel: "sms", text: "hi" } },
        recipient: { phone: "+15005550006" }, devices: [], attempt: 1 }).catch(() => {});
      console.log(JSON.stringify({ providers: s.sms.providers, before, after: [...new Set(loaded())] }));
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: new URL("../../../../", import.meta.url),
      encoding: "utf8",
      timeout: 30_000,
    });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    expect(child.stderr).not.toMatch(/Error/);
    expect(JSON.parse(line)).toEqual({ providers: ["twilio"], before: [], after: ["twilio"] });
  });
});
