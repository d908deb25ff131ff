import { DeliveryError, isDeliveryError } from "@herald/errors";
import type { ChannelSender } from "../provider.ts";
import { buildEmailMessage, type EmailProvider } from "./email-message.ts";

export interface EmailSenderOptions {
  from: string;
  replyTo?: string | undefined;
}

const asDeliveryError = (provider: string, err: unknown) =>
  isDeliveryError(err)
    ? err
    : new DeliveryError("transient", `${provider}: ${(err as Error)?.message ?? String(err)}`, {
        provider,
        cause: err,
      });

/**
 * E-mail with provider failover (SPEC §5): providers are tried in order; a
 * transient failure (5xx, timeout, 429) moves on to the next one within the
 * same attempt, a permanent one stops at once. Only when every provider
 * failed transiently does the attempt count as failed (and retry).
 */
export function emailSender(providers: EmailProvider[], options: EmailSenderOptions): ChannelSender {
  if (providers.length === 0) throw new Error("emailSender needs at least one provider");
  return {
    channel: "email",
    providers: providers.map((p) => p.name),
    async send(ctx) {
      const content = ctx.notification.content;
      if (content.channel !== "email") {
        throw new DeliveryError("permanent", `not e-mail content (${content.channel})`, {
          provider: providers[0]!.name,
          code: "bad_content",
        });
      }
      if (!ctx.recipient.email) {
        throw new DeliveryError("permanent", "recipient has no e-mail address", {
          provider: providers[0]!.name,
          code: "no_destination",
        });
      }
      const message = buildEmailMessage(ctx, content, options);
      const failed: { provider: string; code?: string; error: string }[] = [];
      const waits: (number | undefined)[] = [];
      for (const provider of providers) {
        try {
          const { messageId } = await provider.send(message);
          return {
            provider: provider.name,
            providerMessageId: messageId,
            ...(failed.length > 0 ? { detail: { failover: failed } } : {}),
          };
        } catch (raw) {
          const err = asDeliveryError(provider.name, raw);
          if (err.kind !== "transient") throw err;
          failed.push({
            provider: provider.name,
            ...(err.code ? { code: err.code } : {}),
            error: err.message.slice(0, 300),
          });
          waits.push(err.retryAfterMs);
        }
      }
      const last = failed[failed.length - 1]!;
      // Wait as asked only if every provider asked; otherwise the normal schedule applies.
      const retryAfterMs = waits.every((w) => w !== undefined) ? Math.min(...(waits as number[])) : undefined;
      throw new DeliveryError("transient", failed.map((f) => f.error).join("; "), {
        provider: last.provider,
        ...(last.code ? { code: last.code } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    },
    async close() {
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
