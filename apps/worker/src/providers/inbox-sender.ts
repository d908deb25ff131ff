import { publishInboxEvent } from "@herald/inbox-bus";
import type { RedisClient } from "@herald/jobs";
import type { ChannelSender } from "./provider.ts";

/**
 * In-app "delivery": the notification row already is the inbox item; sending
 * makes it visible (SENT). Once SENT is saved it is announced through the
 * inbox bus (a short per-user log plus Redis pub/sub), so every API process
 * can push it to the recipient's open SSE streams and a reconnecting client
 * can replay it.
 */
export function inboxSender(redis: RedisClient, prefix: string): ChannelSender {
  return {
    channel: "in_app",
    providers: ["inbox"],
    async send(ctx) {
      return { provider: "inbox", providerMessageId: ctx.notification.id };
    },
    async afterSent(ctx) {
      await publishInboxEvent(redis, prefix, ctx.notification.recipientId, {
        type: "notification",
        id: ctx.notification.id,
      });
    },
  };
}
