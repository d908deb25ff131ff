import { transition } from "@herald/db";
import { frequencyCapKey } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/** An e-mail provider that holds every call until `release()`, as a slow provider would. */
const provider = {
  entered: [] as string[],
  release: () => {},
  held: Promise.resolve(),
  hold() {
    this.held = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  },
};
const email: ChannelSender = {
  channel: "email",
  providers: ["held"],
  async send(ctx) {
    provider.entered.push(ctx.notification.id);
    await provider.held;
    return { provider: "held", providerMessageId: `msg-${ctx.notification.id}` };
  },
};

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald({
    // One marketing e-mail per user and day: the slot a canceled send that went out must keep.
    workerEnv: { FREQUENCY_CAPS: "marketing:email:1/1d" },
    overrides: { senders: { email } },
  });
  await herald.call("PUT", "/v1/users/cancel-late", { email: "late@example.com" });
});
afterAll(async () => {
  provider.release();
  await herald?.close();
});

const statuses = async (id: string) =>
  (await herald.call("GET", `/v1/notifications/${id}`)).body.timeline.map(
    (t: { status: string }) => t.status,
  );

describe("canceling a notification while its provider call is in flight", () => {
  it("answers 409 while it is being sent, and a cancel that slips in anyway yields to the SENT", async () => {
    provider.hold();
    const res = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "cancel-late",
      channels: ["email"],
      data: catalog.order_placed.example,
    });
    expect(res.status).toBe(202);
    const id = await eventually(async () => provider.entered[0] ?? null);

    const refused = await herald.call("DELETE", `/v1/notifications/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("being sent");
    expect((await herald.call("GET", `/v1/notifications/${id}`)).body.status).toBe("QUEUED");

    // The instant between the API's look at the job and its update: the row is canceled while
    // the worker, which loaded it QUEUED, waits on the provider.
    expect(await transition(herald.db.db, id, "CANCELED", { detail: { by: "test" } })).toBe(true);
    provider.release();
    const sent = await eventually(async () => {
      const n = (await herald.call("GET", `/v1/notifications/${id}`)).body;
      return n.status === "SENT" ? n : null;
    });
    expect(sent.providerMessageId).toBe(`msg-${id}`);
    expect((await statuses(id)).slice(-2)).toEqual(["CANCELED", "SENT"]);

    const late = await herald.call("DELETE", `/v1/notifications/${id}`);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain("is SENT");
  });
});

describe("canceling an event while its provider call is in flight", () => {
  /** A weekly promo e-mail to `userId`; its e-mail once routed. */
  async function promo(userId: string, dedupKey?: string) {
    const res = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId,
      channels: ["email"],
      data: catalog.weekly_promo.example,
      ...(dedupKey ? { dedupKey } : {}),
    });
    expect(res.status).toBe(202);
    const eventId: string = res.body.eventId;
    const email = await eventually(async () => {
      const e = (await herald.call("GET", `/v1/events/${eventId}`)).body;
      return e.status === "routed" ? e.notifications[0] : null;
    });
    return { eventId, email };
  }

  it("the message went out: it keeps its frequency-cap slot and its dedup key", async () => {
    await herald.call("PUT", "/v1/users/cap-late", { email: "cap-late@example.com" });
    provider.hold();
    const entered = provider.entered.length;
    const first = await promo("cap-late", "spring-sale");
    await eventually(async () => provider.entered.length > entered);
    expect(provider.entered.at(-1)).toBe(first.email.id);

    // DELETE /v1/events/:id cancels what is not sent yet, this e-mail included, gives its slot
    // back and releases its dedup key: nothing of the event had gone out when it looked.
    const canceled = await herald.call("DELETE", `/v1/events/${first.eventId}`);
    expect(canceled.status).toBe(200);
    expect((await herald.call("GET", `/v1/notifications/${first.email.id}`)).body.status).toBe("CANCELED");

    provider.release();
    await eventually(
      async () => (await herald.call("GET", `/v1/notifications/${first.email.id}`)).body.status === "SENT",
    );
    // The user got it: it counts against the cap, and the same key again is a duplicate.
    await eventually(async () => {
      const [r] = await herald.db.sql<{ id: string }[]>`
        select id from recipients where external_id = 'cap-late'`;
      const key = frequencyCapKey(herald.prefix, r!.id, "marketing", "email");
      return (await herald.worker!.deps.redis.zscore(key, first.eventId)) !== null;
    });
    const again = await promo("cap-late", "spring-sale");
    expect([again.email.status, again.email.reason]).toEqual(["SUPPRESSED", "duplicate"]);
    const other = await promo("cap-late");
    expect([other.email.status, other.email.reason]).toEqual(["SUPPRESSED", "frequency_cap"]);
  });
});
