// Must NOT compile: each line with an expect-error comment is a mistake the client's types catch.
import { Herald, verifyWebhook } from "../src/index.ts";

const herald = new Herald({ apiKey: "hk_test_x" });
const items = [{ name: "Linen shirt", quantity: 1, price: 59.9 }];

export async function mistakes() {
  await herald.events.trigger({
    type: "order_placed",
    userId: "ada",
    data: {
      orderId: "A-1042",
      total: "59.90", // expect-error: total is a number
      currency: "EUR",
      items,
    },
  });
  await herald.events.trigger({
    type: "order_placed",
    userId: "ada",
    data: { orderId: "A-1042", total: 59.9, currency: "EUR", items, coupon: "X" }, // expect-error: no such field
  });
  await herald.events.trigger({
    type: "password_reset",
    userId: "ada",
    data: { resetUrl: "https://example.com/reset" }, // expect-error: expiresInMinutes missing
  });
  await herald.events.trigger({
    type: "password_reset",
    userId: "ada",
    data: { orderId: "A-1042", total: 59.9, currency: "EUR", items }, // expect-error: another type's data
  });
  await herald.events.trigger({ type: "order_shipped", userId: "ada", data: {} }); // expect-error: not in the catalog
  await herald.events.batch([
    { type: "weekly_promo", userId: "bob", data: { headline: "h", body: "b", cta: "https://x" } }, // expect-error: ctaUrl misspelt
  ]);
  await herald.events.trigger({
    type: "payment_failed",
    userId: "ada",
    data: { amount: 10, currency: "EUR", reason: "declined" },
    channels: ["fax"], // expect-error: not a channel
  });
  const promo = { headline: "h", body: "b", ctaUrl: "https://x" };
  await herald.events.trigger({ type: "weekly_promo", topic: "news", userId: "ada", data: promo }); // expect-error: a user or a topic, not both
  await herald.suppressions.add("ada", "push"); // expect-error: a push device is removed, not suppressed
  await herald.apiKeys.create({ name: "ci", scopes: ["write"] }); // expect-error: not a scope
  await herald.topics.list({ perfix: "news." }); // expect-error: prefix misspelt
  await herald.users.upsertMany([{ userId: "ada", nickname: "A" }]); // expect-error: not a user field
  void (await herald.inbox.markSeen("ada", ["ntf_1"])).item; // expect-error: a list answers what changed, not an item
  const hook = await verifyWebhook("{}", new Headers(), "whsec_x");
  void hook.data; // expect-error: an ops alert has no data: narrow on type first
}
