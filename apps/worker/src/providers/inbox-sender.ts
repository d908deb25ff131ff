import type { Redis } from "ioredis";
import type { ChannelSender } from "./provider.ts";

/** Redis pub/sub channel on which a recipient's new in-app notifications are announced. */
export function inboxChannel(prefix: string, recipientId: string): string {
  return `${prefix}:inbox:${recipientId}`;
}

/**
 * In-app "delivery": the notification row already is the inbox item; sending
 * makes it visible (SENT) and announces it on Redis so every API process can
 * push it to the recipient's open SSE streams.
 */
export function inboxSender(redis: Redis, prefix: string): ChannelSender {
  return {
    channel: "in_app",
    providers: ["inbox"],
    async send(ctx) {
      await redis.publish(
        inboxChannel(prefix, ctx.notification.recipientId),
        JSON.stringify({ type: "notification", id: ctx.notification.id }),
      );
      return { provider: "inbox", providerMessageId: ctx.notification.id };
    },
  };
}
