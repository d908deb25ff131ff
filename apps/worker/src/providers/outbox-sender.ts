import { createBatcher } from "@herald/batching";
import { type Db, insertOutboxMessages, listOutbox } from "@herald/db";
import type { Channel } from "@herald/domain";
import { DeliveryError } from "@herald/errors";
import type { ChannelSender, SendContext } from "./provider.ts";

function destination(channel: Channel, ctx: SendContext): string | null {
  switch (channel) {
    case "email":
      return ctx.recipient.email;
    case "sms":
      return ctx.recipient.phone;
    case "push":
      return ctx.devices.length > 0 ? ctx.devices.map((d) => `${d.kind}:${d.id}`).join(",") : null;
    case "in_app":
      return ctx.recipient.externalId;
  }
}

/**
 * The dev provider: "sends" by storing the rendered message in
 * `outbox_messages`, where the dashboard shows it. The default for a
 * channel without credentials outside production.
 */
export function outboxSender(db: Db, channel: Channel): ChannelSender {
  // Concurrent sends share one multi-row insert (and one commit).
  const store = createBatcher(
    (messages: { notificationId: string; channel: string; destination: string }[]) =>
      insertOutboxMessages(db, messages),
  );
  return {
    channel,
    providers: ["outbox"],
    async send(ctx) {
      const to = destination(channel, ctx);
      if (!to) {
        throw new DeliveryError("permanent", `recipient has no ${channel} destination any more`, {
          provider: "outbox",
          code: "no_destination",
        });
      }
      const id = await store.run(
        {
          notificationId: ctx.notification.id,
          channel,
          destination: to,
        },
        { urgent: ctx.notification.priority === "critical" },
      );
      return { provider: "outbox", providerMessageId: id };
    },
    async findSent(ctx) {
      const [row] = await listOutbox(db, { notificationId: ctx.notification.id }, 1);
      return row ? { provider: "outbox", providerMessageId: row.id, detail: { recovered: true } } : null;
    },
  };
}
