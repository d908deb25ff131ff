import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const put = (body: unknown, user = "pat") => api.call("PUT", `/v1/users/${user}/preferences`, body);

describe("PUT /v1/users/:userId/preferences", () => {
  it("stores a full document and merges partial updates", async () => {
    const full = await put({
      channels: { sms: false },
      categories: { marketing: { digest: "daily", channels: { push: false } } },
      types: { order_placed: { channels: { email: true } } },
      quietHours: { start: "22:00", end: "07:00", timezone: "America/New_York" },
      digestTime: "08:30",
    });
    expect(full.status).toBe(200);
    const partial = await put({
      channels: { email: false },
      categories: { marketing: { digest: "weekly" } },
    });
    expect(partial.status).toBe(200);
    const got = await api.call("GET", "/v1/users/pat/preferences");
    expect(got.body).toEqual({
      channels: { sms: false, email: false },
      categories: { marketing: { digest: "weekly", channels: { push: false } } },
      types: { order_placed: { channels: { email: true } } },
      quietHours: { start: "22:00", end: "07:00", timezone: "America/New_York" },
      digestTime: "08:30",
      unsubscribedAll: false,
      optIn: { categories: [], channels: [] },
    });
    expect((await put({ quietHours: null })).body.quietHours).toBeNull();
  });

  it("merges a category's and a type's channels key by key", async () => {
    await put({ categories: { marketing: { channels: { push: false } } } }, "nested");
    await put({ types: { order_placed: { channels: { sms: false } } } }, "nested");
    await put({ categories: { marketing: { channels: { email: false } } } }, "nested");
    const res = await put({ types: { order_placed: { channels: { push: false } } } }, "nested");
    expect(res.body.categories.marketing).toEqual({ channels: { push: false, email: false } });
    expect(res.body.types.order_placed).toEqual({ channels: { sms: false, push: false } });
  });

  it("clears an override sent as null, prunes what it leaves empty, and a GET no longer shows it", async () => {
    const set = await put(
      {
        channels: { email: false, sms: false },
        categories: { marketing: { enabled: false, digest: "daily", channels: { push: false } } },
        types: {
          weekly_promo: { channels: { email: false } },
          order_placed: { enabled: true, channels: { sms: false } },
        },
        digestTime: "08:30",
      },
      "cleo",
    );
    expect(set.status).toBe(200);
    const cleared = await put(
      {
        channels: { email: null },
        categories: { marketing: { digest: null, enabled: null } },
        types: { weekly_promo: { channels: { email: null } }, order_placed: null },
        digestTime: null,
      },
      "cleo",
    );
    expect(cleared.status).toBe(200);
    const expected = {
      channels: { sms: false },
      categories: { marketing: { channels: { push: false } } },
      types: {},
      quietHours: null,
      digestTime: "09:00",
      unsubscribedAll: false,
      optIn: { categories: [], channels: [] },
    };
    expect(cleared.body).toEqual(expected);
    expect((await api.call("GET", "/v1/users/cleo/preferences")).body).toEqual(expected);
    // A whole map at once.
    const none = await put({ channels: null, categories: null }, "cleo");
    expect(none.body).toMatchObject({ channels: {}, categories: {}, types: {} });
  });

  it("takes null for a required category's overrides (nothing turns off) and for a switch the type does not have", async () => {
    for (const body of [
      { categories: { security: null } },
      { categories: { security: { enabled: null, digest: null, channels: { email: null } } } },
      { types: { password_reset: null } },
      { types: { password_reset: { enabled: null, channels: { email: null } } } },
      // Nothing to remove (the API never stores it), so nothing to refuse either.
      { types: { weekly_promo: { channels: { sms: null } } } },
    ]) {
      const res = await put(body, "sec");
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ categories: {}, types: {} });
    }
  });

  const bad: [string, unknown, string, RegExp][] = [
    [
      "a bad time zone",
      { quietHours: { start: "22:00", end: "07:00", timezone: "Mars/Olympus" } },
      "quietHours.timezone",
      /IANA time zone/,
    ],
    ["an unknown channel", { channels: { fax: true } }, "channels.fax", /unknown channel "fax"/],
    [
      "an unknown channel in a category",
      { categories: { marketing: { channels: { pigeon: true } } } },
      "categories.marketing.channels.pigeon",
      /unknown channel "pigeon"/,
    ],
    [
      "an unknown category",
      { categories: { newsletter: { enabled: false } } },
      "categories.newsletter",
      /unknown category "newsletter": use security, transactional, marketing/,
    ],
    [
      "an unknown type",
      { types: { order_shipped: { enabled: false } } },
      "types.order_shipped",
      /unknown notification type "order_shipped"/,
    ],
    [
      "a channel the type does not use",
      { types: { weekly_promo: { channels: { sms: false } } } },
      "types.weekly_promo.channels.sms",
      /not sent on sms/,
    ],
    [
      "a bad digest mode",
      { categories: { marketing: { digest: "hourly" } } },
      "categories.marketing.digest",
      /instant|daily|weekly/,
    ],
    ["a bad time", { digestTime: "9am" }, "digestTime", /HH:MM/],
    [
      "equal quiet-hour bounds",
      { quietHours: { start: "07:00", end: "07:00" } },
      "quietHours",
      /must differ/,
    ],
    [
      "turning off a required category",
      { categories: { security: { enabled: false } } },
      "categories.security",
      /required category/,
    ],
    [
      "digesting a required category",
      { categories: { security: { digest: "daily" } } },
      "categories.security.digest",
      /always sent at once/,
    ],
    [
      "turning off a required type",
      { types: { password_reset: { channels: { email: false } } } },
      "types.password_reset",
      /required category security/,
    ],
    ["an unknown field", { quietHour: null }, "quietHour", /quietHour/],
    ["clearing an unknown channel", { channels: { fax: null } }, "channels.fax", /unknown channel "fax"/],
    [
      "clearing an unknown type",
      { types: { order_shipped: null } },
      "types.order_shipped",
      /unknown notification type "order_shipped"/,
    ],
    [
      "turning off a required category next to a cleared override",
      { categories: { security: { enabled: false, digest: null } } },
      "categories.security",
      /required category/,
    ],
    [
      "turning off a required type next to a cleared switch",
      { types: { password_reset: { channels: { email: false, sms: null } } } },
      "types.password_reset",
      /required category security/,
    ],
  ];

  it.each(bad)(
    "answers 422 naming the field for %s, and changes nothing",
    async (_name, body, path, message) => {
      const before = await api.call("GET", "/v1/users/pat/preferences");
      const res = await put(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.requestId).toEqual(expect.any(String));
      const detail = res.body.error.details.find((d: { path: string }) => d.path === path);
      expect(detail, JSON.stringify(res.body.error.details)).toBeDefined();
      expect(detail.message).toMatch(message);
      expect((await api.call("GET", "/v1/users/pat/preferences")).body).toEqual(before.body);
    },
  );

  it("asks the workers to move the user's open digest windows when their digest time or zone changes", async () => {
    expect((await put({ channels: { sms: false } }, "dora")).status).toBe(200);
    const recipientId = (await api.call("GET", "/v1/users/dora")).body.id;
    const reschedules = async () =>
      (await api.deps.queues.get("digest").getJobs(["waiting", "prioritized", "delayed"])).filter(
        (j) => j.name === "reschedule" && j.data.recipientId === recipientId,
      ).length;
    expect(await reschedules()).toBe(0);
    expect((await put({ digestTime: "18:00" }, "dora")).status).toBe(200);
    expect(await reschedules()).toBe(1);
    // The user's own time zone (PUT /v1/users) moves them too.
    expect((await api.call("PUT", "/v1/users/dora", { timezone: "Asia/Tokyo" })).status).toBe(200);
    expect(await reschedules()).toBe(2);
    // The zone it already has moves nothing (an app that PUTs its whole user on every login).
    expect((await api.call("PUT", "/v1/users/dora", { timezone: "Asia/Tokyo" })).status).toBe(200);
    expect(await reschedules()).toBe(2);
    // So does a new zone that comes inline with an event, or with a topic subscription, at once
    // rather than at the reconciler's next pass; the zone it already has asks for nothing.
    const event = (timezone: string, n: number) =>
      api.call("POST", "/v1/events", {
        type: "password_reset",
        userId: "dora",
        data: catalog.password_reset.example,
        idempotencyKey: `dora-zone-${n}`,
        user: { timezone },
      });
    expect((await event("Asia/Tokyo", 1)).status).toBe(202);
    expect(await reschedules()).toBe(2);
    expect((await event("America/Lima", 2)).status).toBe(202);
    expect(await reschedules()).toBe(3);
    const subscribe = (timezone: string) =>
      api.call("POST", "/v1/topics/dora-news/subscribers", { subscribers: [{ userId: "dora", timezone }] });
    expect((await subscribe("America/Lima")).status).toBe(200);
    expect(await reschedules()).toBe(3);
    expect((await subscribe("Europe/Oslo")).status).toBe(200);
    expect(await reschedules()).toBe(4);
  });

  it("asks the workers to move the user's open digest windows when a digest mode or time is cleared", async () => {
    expect(
      (await put({ categories: { marketing: { digest: "weekly" } }, digestTime: "18:00" }, "dirk")).status,
    ).toBe(200);
    const recipientId = (await api.call("GET", "/v1/users/dirk")).body.id;
    const reschedules = async () =>
      (await api.deps.queues.get("digest").getJobs(["waiting", "prioritized", "delayed"])).filter(
        (j) => j.name === "reschedule" && j.data.recipientId === recipientId,
      ).length;
    expect(await reschedules()).toBe(1);
    expect((await put({ categories: { marketing: { digest: null } } }, "dirk")).status).toBe(200);
    expect(await reschedules()).toBe(2);
    expect((await put({ digestTime: null }, "dirk")).status).toBe(200);
    expect(await reschedules()).toBe(3);
    // Clearing a type's switch moves nothing.
    expect((await put({ types: { weekly_promo: null } }, "dirk")).status).toBe(200);
    expect(await reschedules()).toBe(3);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await put("{nope");
    expect(res.status).toBe(400);
  });
});
