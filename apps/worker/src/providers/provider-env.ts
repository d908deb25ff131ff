import { booleanFlag, commaList } from "@herald/config";
import { z } from "zod";
import { rateLimitSetting } from "../rate-limit-setting.ts";

export const EMAIL_PROVIDER_NAMES = ["resend", "smtp", "outbox"] as const;
export const SMS_PROVIDER_NAMES = ["twilio", "outbox"] as const;
export const PUSH_PROVIDER_NAMES = ["webpush", "fcm", "apns", "outbox"] as const;

/**
 * Provider configuration (SPEC §6), merged into the worker's env schema.
 * Which providers a channel uses: `<CHANNEL>_PROVIDERS` in order, or, when
 * unset, every provider whose credentials are present (dev: the outbox).
 * Cross-field checks (a listed provider lacks its credentials) happen in
 * `createSenders`, still at start-up.
 */
export const providerEnvShape = {
  /** Email providers in failover order, e.g. `resend,smtp`. */
  EMAIL_PROVIDERS: commaList(EMAIL_PROVIDER_NAMES).optional(),
  SMS_PROVIDERS: commaList(SMS_PROVIDER_NAMES).optional(),
  /** Push providers; each device goes to the one for its kind (webpush, fcm, apns). */
  PUSH_PROVIDERS: commaList(PUSH_PROVIDER_NAMES).optional(),

  /** Sender, e.g. `Acme <notifications@acme.com>`. Required with resend or smtp. */
  EMAIL_FROM: z.string().min(3).optional(),
  EMAIL_REPLY_TO: z.string().min(3).optional(),
  RESEND_API_KEY: z.string().min(1).optional(),
  /** The resend SDK's own base-URL override (tests, proxies). */
  RESEND_BASE_URL: z.url().optional(),
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),

  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** E.164 number or alphanumeric sender id. One of this or TWILIO_MESSAGING_SERVICE_SID. */
  TWILIO_FROM: z.string().min(1).optional(),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/)
    .optional(),
  /** Test/proxy override: every Twilio API request goes to this origin instead. */
  TWILIO_BASE_URL: z.url().optional(),
  /** Longer texts are cut to fit this many segments. */
  SMS_MAX_SEGMENTS: z.coerce.number().int().min(1).max(10).default(10),

  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, "must be a base64url P-256 public key")
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{40,50}$/, "must be a base64url private key")
    .optional(),
  /**
   * Let web push reach endpoints on loopback, private, link-local and other
   * non-public addresses. Default false: an endpoint is whatever the device
   * registration said, and it must not make the worker POST into your own
   * network (Redis, cloud metadata, admin ports). Set it only when your push
   * service is on a private network, or for tests, whose fake push service
   * runs on loopback. The API has the same variable for registration.
   */
  PUSH_ALLOW_PRIVATE_ENDPOINTS: booleanFlag(false),
  /** Contact for push services: `mailto:` or `https:`. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, "must start with mailto: or https://")
    .optional(),

  /** Service-account JSON (the text itself, or a file path). */
  FCM_SERVICE_ACCOUNT: z.string().min(2).optional(),
  /** Default: the service account's project_id. */
  FCM_PROJECT_ID: z.string().min(1).optional(),
  /** Test/proxy override of https://fcm.googleapis.com. */
  FCM_BASE_URL: z.url().optional(),

  /** The .p8 signing key (PEM text, or a file path). */
  APNS_KEY: z.string().min(2).optional(),
  APNS_KEY_ID: z.string().min(1).optional(),
  APNS_TEAM_ID: z.string().min(1).optional(),
  /** The app's bundle id (`apns-topic`). */
  APNS_TOPIC: z.string().min(1).optional(),
  APNS_ENV: z.enum(["production", "sandbox"]).default("production"),
  /** Test/proxy override of the APNs gateway. */
  APNS_BASE_URL: z.url().optional(),

  /**
   * Requests per provider account, e.g. `RESEND_RATE_LIMIT=2/1s` (Resend's
   * default), enforced across every worker process through Redis. Each
   * counts provider requests: a Resend batch of 100 e-mails is one, an SMTP
   * message one, a Twilio message one, a push to one device one. Unset: no
   * limit, and no Redis call (see `limitedProviders`).
   */
  RESEND_RATE_LIMIT: rateLimitSetting.optional(),
  SMTP_RATE_LIMIT: rateLimitSetting.optional(),
  TWILIO_RATE_LIMIT: rateLimitSetting.optional(),
  WEBPUSH_RATE_LIMIT: rateLimitSetting.optional(),
  FCM_RATE_LIMIT: rateLimitSetting.optional(),
  APNS_RATE_LIMIT: rateLimitSetting.optional(),

  /** Per-request timeout for every provider call; a timeout is a transient failure. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Extra CA certificate(s), PEM text or a file path, trusted for provider HTTPS besides the system store. */
  PROVIDER_CA_CERT: z.string().min(2).optional(),
};

const fragment = z.object(providerEnvShape);
export type ProviderEnv = z.infer<typeof fragment>;

export function pickProviderEnv(parsed: Record<string, unknown>): ProviderEnv {
  return Object.fromEntries(Object.keys(providerEnvShape).map((k) => [k, parsed[k]])) as ProviderEnv;
}
