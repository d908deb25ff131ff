import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import type { EmailProvider } from "./email/email-message.ts";
import type { ChannelSender } from "./provider.ts";
import type { ProviderEnv } from "./provider-env.ts";
import { type ProviderLimiter, providerLimiter, type ThrottleOutcome } from "./provider-limiter.ts";
import type { PushProvider } from "./push/push-message.ts";

/** The providers with a `<PROVIDER>_RATE_LIMIT` variable. */
export type LimitedProviderName = "resend" | "smtp" | "twilio" | "webpush" | "fcm" | "apns";

const SETTING = {
  resend: "RESEND_RATE_LIMIT",
  smtp: "SMTP_RATE_LIMIT",
  twilio: "TWILIO_RATE_LIMIT",
  webpush: "WEBPUSH_RATE_LIMIT",
  fcm: "FCM_RATE_LIMIT",
  apns: "APNS_RATE_LIMIT",
} as const satisfies Record<LimitedProviderName, keyof ProviderEnv>;

export interface ProviderLimitHooks {
  /** Warns once per run of refused requests (and when Redis could not be asked). */
  logger?: Pick<Logger, "warn">;
  /** Counts each request that waited for its slot or was refused (`herald_provider_throttled_total`). */
  onThrottled?(provider: string, outcome: ThrottleOutcome): void;
}

/** Each provider wrapped in its account's limit, or as it is without one (see `limitedProviders`). */
export interface LimitedProviders {
  /** `send` and `sendBatch` each take one slot per request (a batch of 100 e-mails is one). */
  email(provider: EmailProvider, name: LimitedProviderName, account: string): EmailProvider;
  /** One slot per device request. */
  push(provider: PushProvider, name: LimitedProviderName, account: string): PushProvider;
  /** A channel's sender that is one provider's client, one request per `send` (Twilio). */
  sender(sender: ChannelSender, name: LimitedProviderName, account: string): ChannelSender;
}

/**
 * Takes the request's slot once the provider is ready to send (`prepare`: a
 * first request loads its SDK, up to a second on a busy machine): a slot
 * taken before would let the request reach the provider that much late, and
 * the next slot's request on time, closer to it than the limit allows. A
 * failure to get ready is left to the request, which meets it again.
 */
async function takeWhenReady(limiter: ProviderLimiter, prepare?: () => Promise<void>): Promise<void> {
  await prepare?.().catch(() => {});
  await limiter.take();
}

/**
 * Puts each provider built in `createSenders` behind its account's
 * `<PROVIDER>_RATE_LIMIT`: every request first takes a slot
 * (`providerLimiter`), and a request refused one fails as the provider's 429
 * would, so the callers' existing paths apply: the e-mail sender tries the
 * next provider, and a send every provider refused pauses the channel
 * without using an attempt. A provider without a limit is returned as it
 * is, and costs nothing.
 */
export function limitedProviders(
  env: ProviderEnv,
  redis: RedisClient,
  prefix: string,
  hooks: ProviderLimitHooks = {},
): LimitedProviders {
  const limiterFor = (name: LimitedProviderName, account: string): ProviderLimiter | undefined => {
    const limit = env[SETTING[name]];
    if (!limit) return undefined;
    return providerLimiter({
      redis,
      prefix,
      provider: name,
      account,
      limit,
      setting: SETTING[name],
      ...(hooks.logger ? { logger: hooks.logger } : {}),
      ...(hooks.onThrottled ? { onThrottled: hooks.onThrottled } : {}),
    });
  };
  return {
    // Spread, so whatever else a provider says of itself (`replaysByKey`, `batchMax`, `close`…) stays
    // as it is; only the requests take a slot first, their arguments passed on whole.
    email(provider, name, account) {
      const limiter = limiterFor(name, account);
      if (!limiter) return provider;
      const { sendBatch } = provider;
      const prepare = provider.prepare?.bind(provider);
      return {
        ...provider,
        async send(message) {
          await takeWhenReady(limiter, prepare);
          return provider.send(message);
        },
        ...(sendBatch
          ? {
              async sendBatch(...args: Parameters<typeof sendBatch>) {
                await takeWhenReady(limiter, prepare);
                return sendBatch.apply(provider, args);
              },
            }
          : {}),
      };
    },
    push(provider, name, account) {
      const limiter = limiterFor(name, account);
      if (!limiter) return provider;
      const prepare = provider.prepare?.bind(provider);
      return {
        ...provider,
        async send(device, message) {
          await takeWhenReady(limiter, prepare);
          return provider.send(device, message);
        },
      };
    },
    sender(sender, name, account) {
      const limiter = limiterFor(name, account);
      if (!limiter) return sender;
      if (sender.sendMany) throw new Error(`${name}: a sender with sendMany cannot be limited per send`);
      const prepare = sender.prepare?.bind(sender);
      return {
        ...sender,
        async send(ctx) {
          await takeWhenReady(limiter, prepare);
          return sender.send(ctx);
        },
      };
    },
  };
}
