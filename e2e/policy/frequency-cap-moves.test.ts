import { DeliveryError } from "@herald/errors";
import { frequencyCapKey } from "@herald/jobs";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";
import { capped, type Promo, triggerPromo } from "./promo-kit.ts";

/** An e-mail provider that is down for addresses starting with "down": their sends end DEAD. */
const accepted: string[] = [];
const email: ChannelSender = {
  channel: "email",
  providers: ["picky"],
  async send(ctx) {
    if (ctx.recipient.email?.startsWith("down")) {
      throw new DeliveryError("transient", "503 Service Unavailable", { provider: "picky", code: "503" });
    }
    accepted.push(ctx.notification.id);
    return { provider: "picky", providerMessageId: `msg-${ctx.notification.id}` };
  },
};

/** One marketing e-mail per user per day: the slot the actions below move or give back. */
let herald: Herald;
beforeAll(async () => {
  herald = await startHerald({
    workerEnv: { FREQUENCY_CAPS: "marketing:email:1/1d" },
    overrides: { senders: { email } },
  });
});
afterAll(() => herald?.close());

const HOUR = 3_600_000;

const promo = (userId: string, sendAt?: Date) => triggerPromo(herald, userId, sendAt);
const statusOf = async (id: string): Promise<string> =>
  (await herald.call("GET", `/v1/notifications/${id}`)).body.status;

/** The user's recipient id and the score of an event's slot in their marketing e-mail set. */
async function slotOf(userId: string, eventId: string) {
  const [r] = await herald.db.sql<{ id: string }[]>`select id from recipients where external_id = ${userId}`;
  const key = frequencyCapKey(herald.prefix, r!.id, "marketing", "email");
  const redis = herald.worker!.deps.redis;
  const score = await redis.zscore(key, eventId);
  return { score: score === null ? null : Number(score), ttl: await redis.pttl(key) };
}

async function user(userId: string, address = `${userId}@example.com`): Promise<void> {
  expect((await herald.call("PUT", `/v1/users/${userId}`, { email: address })).status).toBe(200);
}

/** A promo whose e-mail keeps failing until it is DEAD. */
async function deadPromo(userId: string): Promise<Promo> {
  const p = await promo(userId);
  await eventually(async () => (await statusOf(p.email.id)) === "DEAD");
  return p;
}

describe("dead letters and the frequency caps (FREQUENCY_CAPS=marketing:email:1/1d)", () => {
  it("a discarded dead letter gives its slot back: it never went out", async () => {
    await user("dana", "down-dana@example.com");
    const dead = await deadPromo("dana");
    expect(capped(await promo("dana"))).toBe(true);

    const res = await herald.call("DELETE", `/v1/dead-letters/${dead.email.id}`);
    expect(res.status).toBe(200);
    expect((await slotOf("dana", dead.eventId)).score).toBeNull();
    expect(capped(await promo("dana"))).toBe(false);
  });

  it("a retried dead letter counts when it goes out again, not when it first failed", async () => {
    await user("rhea", "down-rhea@example.com");
    const dead = await deadPromo("rhea");
    const first = (await slotOf("rhea", dead.eventId)).score!;
    const retriedAt = Date.now();
    expect(first).toBeLessThan(retriedAt);
    expect((await herald.call("POST", `/v1/dead-letters/${dead.email.id}/retry`)).status).toBe(202);
    expect((await slotOf("rhea", dead.eventId)).score).toBeGreaterThanOrEqual(retriedAt);
  });
});

describe("rescheduling and the frequency caps (FREQUENCY_CAPS=marketing:email:1/1d)", () => {
  it("PATCH moves the slot to the new time: the day it left is free, the day it went to counts it", async () => {
    await user("pam");
    const later = await promo("pam", new Date(Date.now() + HOUR));
    expect(later.email.status).toBe("SCHEDULED");
    expect(capped(await promo("pam"))).toBe(true);

    const target = new Date(Date.now() + 3 * 24 * HOUR);
    const res = await herald.call("PATCH", `/v1/notifications/${later.email.id}`, {
      sendAt: target.toISOString(),
    });
    expect(res.status).toBe(200);
    const slot = await slotOf("pam", later.eventId);
    expect(slot.score).toBe(target.getTime());
    // The set outlives the slot's new time by the window, as the router's own slots do.
    expect(slot.ttl).toBeGreaterThan(4 * 24 * HOUR - 60_000);
    expect(capped(await promo("pam"))).toBe(false);
    expect(capped(await promo("pam", new Date(target.getTime() + HOUR)))).toBe(true);
  });
});
