import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const eventCount = async () => {
  const [row] = await api.db.sql<{ n: number }[]>`select count(*)::int as n from events`;
  return row!.n;
};

const reset = (extra: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  type: "password_reset",
  userId: "jsu",
  channels: ["email"],
  data: { ...catalog.password_reset.example, ...data },
  ...extra,
});

const promo = (extra: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  type: "weekly_promo",
  userId: "u1",
  data: { ...catalog.weekly_promo.example, ...data },
  ...extra,
});

describe("link fields take only http and https", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["resetUrl = javascript:", reset({}, { resetUrl: "javascript:alert(document.cookie)" }), "data.resetUrl"],
    [
      "resetUrl = data:",
      reset({}, { resetUrl: "data:text/html,<script>alert(1)</script>" }),
      "data.resetUrl",
    ],
    ["ctaUrl = javascript:", promo({}, { ctaUrl: "javascript:alert(1)" }), "data.ctaUrl"],
    ["ctaUrl = data:", promo({}, { ctaUrl: "data:text/html,<script>alert(1)</script>" }), "data.ctaUrl"],
  ];
  for (const [name, body, path] of cases) {
    it(`${name} → 422 naming ${path}, nothing recorded`, async () => {
      const before = await eventCount();
      const res = await api.call("POST", "/v1/events", body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_data");
      expect(res.body.error.details).toEqual([{ path, message: "must be an http or https URL" }]);
      expect(await eventCount()).toBe(before);
    });
  }

  it("still accepts the catalog's own https links", async () => {
    expect((await api.call("POST", "/v1/events", reset())).status).toBe(202);
    expect((await api.call("POST", "/v1/events", promo())).status).toBe(202);
  });
});

describe("fields the type's data does not have", () => {
  it("are refused with 422 naming each, at any depth, like unknown top-level fields; nothing recorded", async () => {
    const before = await eventCount();
    const order = catalog.order_placed.example as { items: Record<string, unknown>[] };
    const res = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "u1",
      data: { ...order, trackingURL: "https://t.example", items: [{ ...order.items[0], colour: "red" }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_data");
    // In the order of the data's keys (`items` comes from the example, before the misspelt one).
    expect(res.body.error.details).toEqual([
      { path: "data.items.0.colour", message: "unrecognized key: the type's data has no such field" },
      { path: "data.trackingURL", message: "unrecognized key: the type's data has no such field" },
    ]);
    expect(await eventCount()).toBe(before);
  });

  it("names an unknown top-level field by its path, as the data's", async () => {
    const res = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "u1",
      data: catalog.order_placed.example,
      prority: "high",
      sendAT: "2030-01-01T00:00:00Z",
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(["prority", "sendAT"]);
    expect(res.body.error.message).toMatch(/prority/);
  });
});

describe("channels the type is not sent on", () => {
  it("are refused on POST /v1/events with the type's channels, nothing recorded", async () => {
    const before = await eventCount();
    const res = await api.call("POST", "/v1/events", promo({ channels: ["email", "sms"] }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details).toEqual([
      { path: "channels.1", message: "weekly_promo is not sent on sms (its channels: email, push)" },
    ]);
    expect(await eventCount()).toBe(before);
  });

  it("are refused per item in a batch, the other items accepted", async () => {
    const res = await api.call("POST", "/v1/events/batch", {
      events: [promo(), promo({ channels: ["sms"] }), reset({ channels: ["push", "in_app"] })],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 422, 422]);
    expect(res.body.results[1].error).toEqual({
      code: "validation_failed",
      message: "channels.0: weekly_promo is not sent on sms (its channels: email, push)",
      details: [
        { path: "channels.0", message: "weekly_promo is not sent on sms (its channels: email, push)" },
      ],
    });
    expect(res.body.results[2].error.details.map((d: { path: string }) => d.path)).toEqual([
      "channels.0",
      "channels.1",
    ]);
  });

  it("are fine when they are the type's own", async () => {
    expect((await api.call("POST", "/v1/events", promo({ channels: ["push"] }))).status).toBe(202);
  });
});

describe("POST /v1/events/batch idempotency", () => {
  it("refuses an Idempotency-Key header with 400 saying to key each item, nothing recorded", async () => {
    const before = await eventCount();
    for (let i = 0; i < 2; i++) {
      const res = await api.call(
        "POST",
        "/v1/events/batch",
        { events: [promo()] },
        { "idempotency-key": "b-1" },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("malformed_request");
      expect(res.body.error.message).toMatch(/idempotencyKey on each item/);
    }
    expect(await eventCount()).toBe(before);
  });

  it("documents the header as not accepted", async () => {
    const doc = (await api.call("GET", "/openapi.json", undefined, { authorization: "" })).body;
    const params = doc.paths["/v1/events/batch"].post.parameters as { name: string; description?: string }[];
    expect(params.find((p) => p.name === "idempotency-key")?.description).toMatch(/Not accepted/);
  });

  it("names every item sharing an idempotency key (422), nothing recorded", async () => {
    const before = await eventCount();
    const res = await api.call("POST", "/v1/events/batch", {
      events: [
        promo({ idempotencyKey: "dup-a" }),
        promo({ idempotencyKey: "dup-b", userId: "u2" }),
        promo({ idempotencyKey: "solo" }),
        promo({ idempotencyKey: "dup-a", userId: "u3" }),
        promo({ idempotencyKey: "dup-b", userId: "u4" }),
        promo({ idempotencyKey: "dup-a", userId: "u5" }),
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details).toEqual([
      { path: "events.0.idempotencyKey", message: "same idempotency key as events.3, events.5" },
      { path: "events.1.idempotencyKey", message: "same idempotency key as events.4" },
      { path: "events.3.idempotencyKey", message: "same idempotency key as events.0, events.5" },
      { path: "events.4.idempotencyKey", message: "same idempotency key as events.1" },
      { path: "events.5.idempotencyKey", message: "same idempotency key as events.0, events.3" },
    ]);
    expect(res.body.error.message).toContain("events.3.idempotencyKey");
    expect(await eventCount()).toBe(before);
  });

  it("still replays items by their own keys", async () => {
    const body = { events: [promo({ idempotencyKey: "item-1" }), promo({ idempotencyKey: "item-2" })] };
    const first = await api.call("POST", "/v1/events/batch", body);
    const before = await eventCount();
    const again = await api.call("POST", "/v1/events/batch", body);
    expect(again.body.results.map((r: { eventId: string }) => r.eventId)).toEqual(
      first.body.results.map((r: { eventId: string }) => r.eventId),
    );
    expect(await eventCount()).toBe(before);
  });
});

describe("an empty userId", () => {
  it("is reported once, as too short, not as control characters", async () => {
    const res = await api.call("POST", "/v1/events", reset({ userId: "" }));
    expect(res.status).toBe(422);
    const onUserId = res.body.error.details.filter((d: { path: string }) => d.path === "userId");
    expect(onUserId).toHaveLength(1);
    expect(onUserId[0].message).not.toContain("control characters");
  });
});

describe("user ids no URL can reach or no eye can tell apart", () => {
  const bad: [string, RegExp][] = [
    [".", /must not be "\." or "\.\."/],
    ["..", /must not be "\." or "\.\."/],
    ["\u202eevil", /invisible formatting characters/],
    ["a\u200bb", /invisible formatting characters/],
  ];

  it("are refused in events, batches and topic subscriptions, and nothing is recorded", async () => {
    const before = await eventCount();
    for (const [userId, why] of bad) {
      const single = await api.call("POST", "/v1/events", reset({ userId }));
      expect(single.status, JSON.stringify(userId)).toBe(422);
      expect(single.body.error.details).toEqual([{ path: "userId", message: expect.stringMatching(why) }]);
      const batch = await api.call("POST", "/v1/events/batch", { events: [reset({ userId })] });
      expect(batch.body.results[0].status, JSON.stringify(userId)).toBe(422);
      const sub = await api.call("POST", "/v1/topics/dots/subscribers", { subscribers: [userId] });
      expect(sub.status, JSON.stringify(userId)).toBe(422);
    }
    expect(await eventCount()).toBe(before);
    const [row] = await api.db.sql<{ n: number }[]>`
      select count(*)::int as n from recipients where external_id in ('.', '..', ${"\u202eevil"}, ${"a\u200bb"})`;
    expect(row!.n).toBe(0);
  });

  it("are refused in user routes too, while ids with dots inside stay fine", async () => {
    const res = await api.call("PUT", `/v1/users/${encodeURIComponent("\u202eevil")}`, {
      email: "e@example.com",
    });
    expect(res.status).toBe(422);
    expect((await api.call("PUT", "/v1/users/first.last", { email: "f@example.com" })).status).toBe(200);
    expect((await api.call("POST", "/v1/events", reset({ userId: "first.last" }))).status).toBe(202);
  });
});
