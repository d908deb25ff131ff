import { transition } from "@herald/db";
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
  herald = await startHerald({ overrides: { senders: { email } } });
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
