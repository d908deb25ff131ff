import { frequencyCapKey } from "@herald/jobs";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";
import { capped, triggerPromo } from "./promo-kit.ts";

/** One marketing e-mail per user per day: the slot a cancel must give back. */
let herald: Herald;
beforeAll(async () => {
  herald = await startHerald({ workerEnv: { FREQUENCY_CAPS: "marketing:email:1/1d" } });
});
afterAll(() => herald?.close());

const HOUR = 3_600_000;

const promo = (userId: string, sendAt?: Date) => triggerPromo(herald, userId, sendAt);
const isSent = (id: string) =>
  eventually(async () => (await herald.call("GET", `/v1/notifications/${id}`)).body.status === "SENT");

async function user(userId: string): Promise<void> {
  expect((await herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com` })).status).toBe(
    200,
  );
}

describe("a cancel gives the frequency-cap slot back (FREQUENCY_CAPS=marketing:email:1/1d)", () => {
  it("DELETE /v1/notifications/:id frees the slot of a scheduled one; a sent one keeps it", async () => {
    await user("nora");
    const scheduled = await promo("nora", new Date(Date.now() + HOUR));
    expect(scheduled.email.status).toBe("SCHEDULED");
    expect(capped(await promo("nora"))).toBe(true);

    expect((await herald.call("DELETE", `/v1/notifications/${scheduled.email.id}`)).status).toBe(200);
    const instead = await promo("nora");
    expect(instead.email.status).not.toBe("SUPPRESSED");
    await isSent(instead.email.id);
    // It went out: too late to cancel, and it still counts.
    expect((await herald.call("DELETE", `/v1/notifications/${instead.email.id}`)).status).toBe(409);
    expect(capped(await promo("nora"))).toBe(true);
  });

  it("DELETE /v1/events/:id frees the slots of what it cancels; an event that was sent keeps its slot", async () => {
    await user("evan");
    const scheduled = await promo("evan", new Date(Date.now() + HOUR));
    expect(scheduled.email.status).toBe("SCHEDULED");
    expect(capped(await promo("evan"))).toBe(true);

    const res = await herald.call("DELETE", `/v1/events/${scheduled.eventId}`);
    expect(res.status).toBe(200);
    const instead = await promo("evan");
    expect(instead.email.status).not.toBe("SUPPRESSED");
    await isSent(instead.email.id);
    expect((await herald.call("DELETE", `/v1/events/${instead.eventId}`)).status).toBe(200);
    expect(capped(await promo("evan"))).toBe(true);
  });

  it("an erase deletes the user's frequency-cap sets, and no one else's", async () => {
    await user("erin");
    await user("otis");
    await promo("erin");
    await promo("otis");
    const [erin, otis] = await herald.db.sql<{ id: string }[]>`
      select id from recipients where external_id in ('erin', 'otis') order by external_id`;
    const redis = herald.worker!.deps.redis;
    const key = (recipientId: string) => frequencyCapKey(herald.prefix, recipientId, "marketing", "email");
    expect(await redis.zcard(key(erin!.id))).toBe(1);

    expect((await herald.call("DELETE", "/v1/users/erin")).status).toBe(204);
    expect(await redis.exists(key(erin!.id))).toBe(0);
    expect(await redis.zcard(key(otis!.id))).toBe(1);
  });
});
