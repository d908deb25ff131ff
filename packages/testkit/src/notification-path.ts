import {
  type DbHandle,
  findSuppressedKeys,
  getEvents,
  insertEvents,
  insertNotifications,
  insertOutboxMessages,
  listDevicesOf,
  loadRecipientsWithPreferences,
  loadSendContexts,
  markEventsRouted,
  markSent,
  type NewNotification,
} from "@herald/db";
import { newId } from "@herald/ids";

export interface NotificationPathOptions {
  channel: "sms" | "email";
  /** The rendered content of the notification for order `order` (`B-<round>-<i>`). */
  content(order: string): NewNotification["content"];
  /** Wraps each statement, labelled by its step (`pg-path` times them). Default: just runs it. */
  step?: <T>(label: string, run: () => Promise<T>) => Promise<T>;
}

/**
 * One batch of `order_placed` notifications through every PostgreSQL
 * statement of Herald's hot path, through the same `@herald/db` functions the
 * API and the workers call: the event insert, the router's loads (events,
 * recipients with preferences, devices, suppressions), the notification
 * insert and routed mark, and the dev outbox's send (send contexts, outbox
 * copy, SENT). `who` are external user ids whose recipients exist, with a
 * phone and an e-mail address. Returns how many send contexts were loaded.
 */
export async function runNotificationPath(
  h: DbHandle,
  who: string[],
  round: number,
  options: NotificationPathOptions,
): Promise<number> {
  const { channel } = options;
  const step = options.step ?? ((_label, run) => run());
  const destination = (r: { phone: string | null; email: string | null }) =>
    (channel === "sms" ? r.phone : r.email)!;
  const inserted = await step("insert events", () =>
    insertEvents(
      h.db,
      who.map((userId, i) => ({
        type: "order_placed",
        userId,
        data: { orderId: `B-${round}-${i}`, total: 59.9, currency: "EUR", items: [] },
        priority: "normal",
        channels: [channel],
      })),
    ),
  );
  const ids = inserted.map((r) => r.event.id);
  await step("load events", () => getEvents(h.db, ids));
  const people = await step("load recipients", () => loadRecipientsWithPreferences(h.db, who));
  const recipients = [...people.values()].map((p) => p.recipient);
  await step("load devices", () =>
    listDevicesOf(
      h.db,
      recipients.map((r) => r.id),
    ),
  );
  await step("load suppressions", () =>
    findSuppressedKeys(
      h.db,
      recipients.map((r) => ({ channel, address: destination(r) })),
    ),
  );
  const now = new Date();
  const contents = inserted.map((_, i) => options.content(`B-${round}-${i}`));
  const created = await step("insert notifications", () =>
    insertNotifications(
      h.db,
      inserted.map((r, i) => ({
        id: newId("ntf"),
        eventId: r.event.id,
        recipientId: people.get(who[i]!)!.recipient.id,
        userId: who[i]!,
        type: "order_placed",
        category: "transactional",
        channel,
        priority: "normal",
        status: "QUEUED",
        content: contents[i]!,
      })),
      now,
    ),
  );
  await step("mark routed", () =>
    markEventsRouted(
      h.db,
      ids.map((id) => ({ id, suppressed: [], at: now })),
    ),
  );
  const nids = created.map((c) => c.id);
  const contexts = await step("load send contexts", () => loadSendContexts(h.db, nids));
  const outbox = await step("insert outbox", () =>
    insertOutboxMessages(
      h.db,
      nids.map((id) => ({
        notificationId: id,
        channel,
        destination: destination(contexts.get(id)!.recipient!),
      })),
    ),
  );
  await step("mark sent", () =>
    markSent(
      h.db,
      nids.map((id, i) => ({
        id,
        provider: "outbox",
        providerMessageId: outbox[i]!,
        sentAt: new Date(),
        detail: { provider: "outbox", providerMessageId: outbox[i]!, attempt: 1 },
      })),
    ),
  );
  return contexts.size;
}
