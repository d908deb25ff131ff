import { type Db, loadBatchRequest, resolveVapidKeys, type VapidKeyPair } from "@herald/db";
import type { Channel } from "@herald/domain";
import { DeliveryError } from "@herald/errors";
import type { RedisClient } from "@herald/jobs";
import { trackingLinks } from "@herald/tracking";
import type { WorkerEnv } from "../env.ts";
import type { EmailProvider } from "./email/email-message.ts";
import { emailSender } from "./email/email-sender.ts";
import { resendProvider } from "./email/resend-provider.ts";
import { smtpProvider } from "./email/smtp-provider.ts";
import { inboxSender } from "./inbox-sender.ts";
import { limitedProviders, type ProviderLimitHooks } from "./limited-providers.ts";
import { once } from "./once.ts";
import { outboxSender } from "./outbox-sender.ts";
import type { ChannelSender } from "./provider.ts";
import type { ProviderEnv } from "./provider-env.ts";
import { apnsProvider } from "./push/apns-provider.ts";
import { fcmProvider } from "./push/fcm-provider.ts";
import type { ServiceAccount } from "./push/google-access-token.ts";
import type { PushProvider } from "./push/push-message.ts";
import { pushSender } from "./push/push-sender.ts";
import { webPushProvider } from "./push/web-push-provider.ts";
import { twilioSender } from "./sms/twilio-sender.ts";
import { inlineOrFile, providerCa } from "./tls-trust.ts";

export type Senders = Record<Channel, ChannelSender>;

/** Dev default VAPID subject; production must set VAPID_SUBJECT. */
const DEV_VAPID_SUBJECT = "mailto:herald@localhost";

/**
 * The providers a channel uses: the `<CHANNEL>_PROVIDERS` list, else every
 * provider whose credentials are present, else the dev outbox (outside
 * production only).
 */
function choose<T extends string>(
  channel: Channel,
  listed: T[] | undefined,
  inferred: T[],
  production: boolean,
  problems: string[],
): (T | "outbox")[] {
  const name = `${channel.toUpperCase()}_PROVIDERS`;
  if (listed && listed.length > 0) {
    if (listed.includes("outbox" as T) && listed.length > 1)
      problems.push(`${name}: "outbox" cannot be combined with other providers`);
    return listed;
  }
  if (inferred.length > 0) return inferred;
  if (production) problems.push(`No provider configured for ${channel} (set ${name} and its credentials)`);
  return ["outbox"];
}

function need(p: ProviderEnv, problems: string[], provider: string, keys: (keyof ProviderEnv)[]): boolean {
  const missing = keys.filter((k) => !p[k]);
  if (missing.length > 0) problems.push(`${provider} needs ${missing.join(", ")}`);
  return missing.length === 0;
}

function parseServiceAccount(raw: string, problems: string[]): ServiceAccount | undefined {
  try {
    const sa = JSON.parse(inlineOrFile(raw)) as ServiceAccount;
    if (!sa.client_email || !sa.private_key) throw new Error("client_email or private_key missing");
    return sa;
  } catch (err) {
    problems.push(
      `FCM_SERVICE_ACCOUNT is not a service-account JSON (text or file): ${(err as Error).message}`,
    );
    return undefined;
  }
}

/** Where the account's identity in a provider-limit key comes from: the SMTP server and login. */
function smtpAccount(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port}|${decodeURIComponent(u.username)}`;
  } catch {
    return url;
  }
}

/**
 * Builds each channel's sender from configuration (SPEC §6). In production a
 * channel without a configured provider is a start-up error; elsewhere it
 * falls back to the dev outbox so a fresh install shows real messages with no
 * accounts. Every configuration problem is reported at once. A provider with
 * a `<PROVIDER>_RATE_LIMIT` is wrapped in its account's limit (`limitedProviders`).
 */
export function createSenders(
  env: WorkerEnv,
  db: Db,
  redis: RedisClient,
  hooks: ProviderLimitHooks = {},
): Senders {
  const p = env.providers;
  const limits = limitedProviders(p, redis, env.queuePrefix, hooks);
  const production = env.nodeEnv === "production";
  // Per channel: a process only fails to start over the channels it sends on (WORKER_CHANNELS).
  const problems: Record<Exclude<Channel, "in_app">, string[]> = { email: [], sms: [], push: [] };
  const ca = providerCa(p.PROVIDER_CA_CERT);
  const timeoutMs = p.PROVIDER_TIMEOUT_MS;

  // Email
  const emailNames = choose(
    "email",
    p.EMAIL_PROVIDERS,
    [...(p.RESEND_API_KEY ? ["resend" as const] : []), ...(p.SMTP_URL ? ["smtp" as const] : [])],
    production,
    problems.email,
  );
  const emailProviders: EmailProvider[] = [];
  if (emailNames.some((n) => n !== "outbox")) need(p, problems.email, "e-mail", ["EMAIL_FROM"]);
  for (const name of emailNames) {
    if (name === "resend" && need(p, problems.email, "resend", ["RESEND_API_KEY"])) {
      emailProviders.push(
        limits.email(
          resendProvider({ apiKey: p.RESEND_API_KEY!, baseUrl: p.RESEND_BASE_URL, timeoutMs }),
          "resend",
          p.RESEND_API_KEY!,
        ),
      );
    }
    if (name === "smtp" && need(p, problems.email, "smtp", ["SMTP_URL"])) {
      emailProviders.push(
        limits.email(smtpProvider({ url: p.SMTP_URL!, timeoutMs, ca }), "smtp", smtpAccount(p.SMTP_URL!)),
      );
    }
  }

  // SMS
  const smsNames = choose(
    "sms",
    p.SMS_PROVIDERS,
    p.TWILIO_ACCOUNT_SID ? ["twilio" as const] : [],
    production,
    problems.sms,
  );
  let sms: ChannelSender | undefined;
  if (
    smsNames.includes("twilio") &&
    need(p, problems.sms, "twilio", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"])
  ) {
    // The SDK refuses other forms in its constructor, which runs at the first send (it is loaded lazily).
    if (!p.TWILIO_ACCOUNT_SID!.startsWith("AC")) {
      problems.sms.push("TWILIO_ACCOUNT_SID must start with AC (an API key SID, SK…, is not an account SID)");
    } else if (!p.TWILIO_FROM && !p.TWILIO_MESSAGING_SERVICE_SID) {
      problems.sms.push("twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID");
    } else {
      const sender = twilioSender({
        accountSid: p.TWILIO_ACCOUNT_SID!,
        authToken: p.TWILIO_AUTH_TOKEN!,
        from: p.TWILIO_FROM,
        messagingServiceSid: p.TWILIO_MESSAGING_SERVICE_SID,
        baseUrl: p.TWILIO_BASE_URL,
        statusCallback: `${env.publicUrl}/v1/webhooks/twilio`,
        maxSegments: p.SMS_MAX_SEGMENTS,
        timeoutMs,
        ca,
      });
      const from = p.TWILIO_MESSAGING_SERVICE_SID ?? p.TWILIO_FROM!;
      sms = limits.sender(sender, "twilio", `${p.TWILIO_ACCOUNT_SID}|${from}`);
    }
  }

  // Push
  const hasVapid = Boolean(p.VAPID_PUBLIC_KEY || p.VAPID_PRIVATE_KEY);
  const pushNames = choose(
    "push",
    p.PUSH_PROVIDERS,
    [
      ...(hasVapid ? ["webpush" as const] : []),
      ...(p.FCM_SERVICE_ACCOUNT ? ["fcm" as const] : []),
      ...(p.APNS_KEY ? ["apns" as const] : []),
    ],
    production,
    problems.push,
  );
  const pushProviders: PushProvider[] = [];
  if (pushNames.includes("webpush")) {
    let configured: VapidKeyPair | undefined;
    if (hasVapid || production) {
      if (need(p, problems.push, "webpush", ["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"])) {
        configured = { publicKey: p.VAPID_PUBLIC_KEY!, privateKey: p.VAPID_PRIVATE_KEY! };
      }
    }
    if (production) need(p, problems.push, "webpush", ["VAPID_SUBJECT"]);
    const vapidKeys = once(() => resolveVapidKeys(db, configured));
    // Record (or create) the keys now, so the API serves the right public key before the first push.
    vapidKeys().catch(() => {});
    const subject = p.VAPID_SUBJECT ?? DEV_VAPID_SUBJECT;
    pushProviders.push(
      limits.push(
        webPushProvider({
          vapidKeys,
          subject,
          timeoutMs,
          ca,
          allowPrivateEndpoints: p.PUSH_ALLOW_PRIVATE_ENDPOINTS,
        }),
        "webpush",
        // Generated keys are one pair per database, and the subject names the sender either way.
        `${p.VAPID_PUBLIC_KEY ?? "generated"}|${subject}`,
      ),
    );
  }
  if (pushNames.includes("fcm") && need(p, problems.push, "fcm", ["FCM_SERVICE_ACCOUNT"])) {
    const sa = parseServiceAccount(p.FCM_SERVICE_ACCOUNT!, problems.push);
    const projectId = p.FCM_PROJECT_ID ?? sa?.project_id;
    if (sa && !projectId)
      problems.push.push("fcm needs FCM_PROJECT_ID (the service account has no project_id)");
    if (sa && projectId) {
      pushProviders.push(
        limits.push(
          fcmProvider({ serviceAccount: sa, projectId, baseUrl: p.FCM_BASE_URL, timeoutMs, ca }),
          "fcm",
          projectId,
        ),
      );
    }
  }
  if (
    pushNames.includes("apns") &&
    need(p, problems.push, "apns", ["APNS_KEY", "APNS_KEY_ID", "APNS_TEAM_ID", "APNS_TOPIC"])
  ) {
    const apns = apnsProvider({
      key: inlineOrFile(p.APNS_KEY!),
      keyId: p.APNS_KEY_ID!,
      teamId: p.APNS_TEAM_ID!,
      topic: p.APNS_TOPIC!,
      environment: p.APNS_ENV,
      baseUrl: p.APNS_BASE_URL,
      timeoutMs,
      ca,
    });
    pushProviders.push(limits.push(apns, "apns", `${p.APNS_TEAM_ID}|${p.APNS_TOPIC}`));
  }

  const served = new Set<string>(env.queues);
  const found = (Object.keys(problems) as (keyof typeof problems)[]).filter((c) => served.has(c));
  const all = found.flatMap((c) => problems[c]);
  if (all.length > 0) {
    throw new Error(
      `Invalid provider configuration for herald worker:\n${all.map((x) => `  - ${x}`).join("\n")}`,
    );
  }
  // A channel this process does not send on keeps a sender (the router reads its batch size), but a
  // broken configuration there must not stop a router or another channel's worker from starting.
  const unusable = (channel: keyof typeof problems, make: () => ChannelSender): ChannelSender =>
    problems[channel].length > 0 ? notConfigured(channel, problems[channel]) : make();
  return {
    in_app: inboxSender(redis, env.queuePrefix),
    email: unusable("email", () =>
      emailNames[0] === "outbox"
        ? outboxSender(db, "email")
        : emailSender(emailProviders, {
            from: p.EMAIL_FROM!,
            replyTo: p.EMAIL_REPLY_TO,
            loadBatchRequest: (key) => loadBatchRequest(db, key),
          }),
    ),
    sms: unusable("sms", () => (smsNames[0] === "outbox" || !sms ? outboxSender(db, "sms") : sms)),
    push: unusable("push", () =>
      pushNames[0] === "outbox"
        ? outboxSender(db, "push")
        : pushSender(db, pushProviders, {
            clickUrl: (id) => trackingLinks(env.publicUrl, env.trackingSecret, id).pushClick(),
          }),
    ),
  };
}

/** The sender of a channel whose configuration is broken in a process that does not send on it. */
function notConfigured(channel: Channel, problems: string[]): ChannelSender {
  return {
    channel,
    providers: [],
    async send() {
      throw new DeliveryError(
        "transient",
        `${channel} is not configured in this worker process (${problems.join("; ")})`,
        { provider: "none", code: "not_configured" },
      );
    },
  };
}
