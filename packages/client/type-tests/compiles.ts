// Must compile: correct use of every resource with catalog-typed data.
import { Herald, type StatusWebhookPayload, type Topic, verifyWebhook } from "../src/index.ts";

const herald = new Herald({ apiKey: "hk_test_x", baseUrl: "http://localhost:3000" });

export async function usage() {
  await herald.events.trigger({
    type: "order_placed",
    userId: "ada",
    data: {
      orderId: "A-1042",
      total: 59.9,
      currency: "EUR",
      items: [{ name: "Linen shirt", quantity: 1, price: 59.9 }],
      url: "https://shop.example.com/orders/A-1042",
    },
    idempotencyKey: "order-A-1042-placed",
    user: { email: "ada@example.com" },
  });
  await herald.events.trigger({
    type: "password_reset",
    userId: "ada",
    data: { resetUrl: "https://example.com/reset?t=1", expiresInMinutes: 30 },
    priority: "critical",
    sendAt: new Date(),
  });
  await herald.events.batch([
    {
      type: "weekly_promo",
      userId: "bob",
      data: { headline: "h", body: "b", ctaUrl: "https://example.com" },
    },
    { type: "payment_failed", userId: "bob", data: { amount: 10, currency: "EUR", reason: "card declined" } },
  ]);
  const event = await herald.events.get("evt_1");
  const status: string = event.notifications[0]?.status ?? "PENDING";
  const canceled = await herald.events.cancel(event.id);
  if (canceled.status === "canceled") void [canceled.canceledAt, canceled.notifications[0]?.status];
  const page = await herald.notifications.list({ userId: "ada", channel: "email", limit: 10 });
  for await (const n of herald.notifications.listAll({ userId: "ada" })) void n.channel;
  await herald.notifications.get(page.data[0]!.id);
  await herald.users.upsert("ada", { phone: "+14155550100", timezone: null });
  const imported = await herald.users.upsertMany([
    { userId: "ada", email: "ada@example.com", phone: null, properties: { plan: "pro" } },
    { userId: "bob", locale: "en-GB" },
  ]);
  void [imported.created + imported.updated + imported.unchanged + imported.rejected];
  for (const r of imported.results) if (r.outcome === "rejected") void r.error?.details?.[0]?.path;
  await herald.preferences.update("ada", { channels: { sms: false } });
  // null clears an override (the API's merge patch), at any level.
  await herald.preferences.update("ada", {
    channels: { email: null },
    categories: { marketing: { digest: null } },
    types: { weekly_promo: { channels: { email: null } }, order_placed: null },
    digestTime: null,
  });
  await herald.devices.register("ada", { kind: "fcm", token: "token-123456" });
  await herald.topics.subscribe("product-updates", ["ada", { userId: "bob", email: "bob@example.com" }]);
  await herald.events.trigger({
    type: "weekly_promo",
    topic: "product-updates",
    data: { headline: "h", body: "b", ctaUrl: "https://example.com" },
  });
  const subscribers = await herald.topics.subscribers("product-updates", { limit: 10 });
  void subscribers.data[0]?.subscribedAt;
  const topics = await herald.topics.list({ prefix: "product-", limit: 20 });
  const next: Topic[] = topics.nextCursor
    ? (await herald.topics.list({ cursor: topics.nextCursor })).data
    : [];
  void next[0]?.subscriberCount;
  for await (const t of herald.topics.listAll({ prefix: "news." })) await herald.topics.delete(t.key);
  await herald.notifications.reschedule(page.data[0]!.id, new Date(Date.now() + 3_600_000));
  await herald.notifications.reschedule(page.data[0]!.id, "2026-12-01T09:00:00Z");
  const nothing = await herald.users.events("ada", { sentNothing: true, limit: 10 });
  void nothing.data[0]?.suppressed;
  for await (const e of herald.users.allEvents("ada")) void e.notificationCount;
  for await (const t of herald.users.allTopics("ada", { limit: 100 })) void t.topic;
  const stats = await herald.stats({ from: new Date(), to: "2026-12-01", channel: "email" });
  void stats.byChannel[0]?.deliveryRate;
  for await (const d of herald.deadLetters.listAll({ channel: "email", since: new Date() })) {
    await herald.deadLetters.retry(d.id);
  }
  const { more } = await herald.deadLetters.retryAll({ type: "order_placed", limit: 100 });
  await herald.deadLetters.discard("ntf_1");
  for await (const a of herald.auditLog.listAll({ action: "user.", since: new Date() })) void a.actor.name;
  void (await herald.auditLog.list({ targetId: "ada", limit: 10 })).data[0]?.target?.id;
  const feed = await herald.inbox.list("ada", { unread: true });
  const { counts } = await herald.inbox.markRead("ada", feed.data[0]!.id);
  await herald.inbox.markSeen("ada", feed.data[0]!.id);
  await herald.inbox.archive("ada", feed.data[0]!.id);
  await herald.inbox.markAllRead("ada");
  const shown = await herald.inbox.markSeen(
    "ada",
    feed.data.map((i) => i.id),
  );
  void [shown.updated, shown.ids, shown.counts.unseen];
  const one: string = (await herald.inbox.markSeen("ada", feed.data[0]!.id)).item.id;
  void one;
  void (await herald.inbox.markAllSeen("ada")).counts.unseen;
  const [suppressed] = await herald.suppressions.list("ada");
  if (suppressed?.reason === "manual") void [suppressed.note, suppressed.suppressedBy?.name];
  await herald.suppressions.add("ada", "sms", { note: "number reassigned" });
  await herald.suppressions.lift("ada", "email", { force: true });
  const found = await herald.suppressions.lookup({ channel: "email", address: "old@example.com" });
  void found?.createdAt;
  await herald.suppressions.addAddress(
    { channel: "sms", address: "+14155550100" },
    { note: "legal request" },
  );
  await herald.suppressions.liftAddress({ channel: "sms", address: "+14155550100" });
  const { data: keys } = await herald.apiKeys.list({ includeRevoked: true });
  const created = await herald.apiKeys.create({
    name: "reporting job",
    scopes: ["read", "events:write"],
    environment: "test",
    expiresAt: new Date(),
    rateLimit: 500,
  });
  const rotated = await herald.apiKeys.rotate(created.id, { graceSeconds: 3600 });
  await herald.apiKeys.revoke((await herald.apiKeys.get(keys[0]!.id)).id);
  void [more, counts.unread, rotated.key, rotated.rotatedFrom];
  return status;
}

/** A receiver of both webhooks: the payload narrows on `type`. */
export async function receive(raw: string, headers: Headers): Promise<number> {
  const payload = await verifyWebhook(raw, headers, "whsec_x", { toleranceSeconds: 60 });
  if (payload.type === "herald.notification_statuses") return payload.data[0]?.sequence ?? 0;
  const statuses: StatusWebhookPayload = await verifyWebhook<StatusWebhookPayload>(raw, headers, "whsec_x");
  return payload.count + statuses.data.length;
}
