import { markSentOverCancel, transition } from "@herald/db";
import { frequencyCapKey } from "@herald/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveBackFrequencySlots } from "../src/services/frequency-slots.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.close());

const DAY = 86_400_000;
const promo = { name: "weekly_promo", category: "marketing", data: {} };

/** A marketing e-mail as the router leaves it: QUEUED, its slot taken at `dueAt` in a set living a day past it. */
async function routedPromo(userId: string, dueAt: number) {
  const { notification: n } = await seedNotification(api.db.db, userId, { channel: "email", type: promo });
  const key = frequencyCapKey(api.deps.env.QUEUE_PREFIX, n.recipientId, "marketing", "email");
  await api.deps.redis.zadd(key, dueAt, n.eventId);
  await api.deps.redis.pexpire(key, dueAt + DAY - Date.now());
  return { n, key };
}

describe("giving back the frequency-cap slots of canceled notifications", () => {
  it("gives back the slot of one that did not go out", async () => {
    const { n, key } = await routedPromo("gino", Date.now());
    expect(await transition(api.db.db, n.id, "CANCELED")).toBe(true);
    await giveBackFrequencySlots(api.deps, [n]);
    expect(await api.deps.redis.zscore(key, n.eventId)).toBeNull();
  });

  it("puts it back, at the send's time, for one whose in-flight send was recorded over the cancel before the give-back", async () => {
    const routedAt = Date.now() - 60_000;
    const { n, key } = await routedPromo("gia", routedAt);
    const ttl = await api.deps.redis.pttl(key);
    // The cancel committed; before the API gives the slot back, the worker that had the message with
    // the provider records it SENT over the cancel (and takes its slot again, a no-op while it is there).
    expect(await transition(api.db.db, n.id, "CANCELED")).toBe(true);
    const sentAt = new Date();
    expect(
      await markSentOverCancel(api.db.db, {
        id: n.id,
        provider: "outbox",
        providerMessageId: "m-1",
        sentAt,
        detail: {},
      }),
    ).toBe(true);

    await giveBackFrequencySlots(api.deps, [n]);
    expect(Number(await api.deps.redis.zscore(key, n.eventId))).toBe(sentAt.getTime());
    // Still a day past its (later) time: the set lives a window past its last member.
    expect(await api.deps.redis.pttl(key)).toBeGreaterThanOrEqual(ttl + (sentAt.getTime() - routedAt) - 5000);
  });
});
