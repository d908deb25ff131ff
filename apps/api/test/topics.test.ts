import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const promo = (extra: Record<string, unknown>) => ({
  type: "weekly_promo",
  data: catalog.weekly_promo.example,
  ...extra,
});

/** A 4xx answer in SPEC's error shape. */
function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
  expect(typeof res.body.error.message).toBe("string");
}

describe("topic subscribers", () => {
  it("creates the topic on first subscription, counts new subscribers once and upserts contact data", async () => {
    const first = await api.call("POST", "/v1/topics/news.weekly/subscribers", {
      subscribers: ["t-a", { userId: "t-b", email: "b@example.com", timezone: "Europe/Paris" }, "t-a"],
    });
    expect(first).toMatchObject({ status: 200, body: { topic: "news.weekly", added: 2 } });
    const again = await api.call("POST", "/v1/topics/news.weekly/subscribers", {
      subscribers: ["t-b", "t-c"],
    });
    expect(again.body).toEqual({ topic: "news.weekly", added: 1 });
    const user = await api.call("GET", "/v1/users/t-b");
    expect(user.body).toMatchObject({ email: "b@example.com", timezone: "Europe/Paris" });
    // A string subscriber leaves existing contact data alone; an unknown one is created bare.
    expect((await api.call("GET", "/v1/users/t-c")).status).toBe(200);
    const topic = await api.call("GET", "/v1/topics/news.weekly");
    expect(topic.body).toMatchObject({ key: "news.weekly", subscriberCount: 3 });
    expect(Date.parse(topic.body.createdAt)).not.toBeNaN();
  });

  it("pages subscribers with a cursor", async () => {
    await api.call("POST", "/v1/topics/paged/subscribers", {
      subscribers: Array.from({ length: 25 }, (_, i) => `p-${i}`),
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res = await api.call("GET", `/v1/topics/paged/subscribers?limit=10${q}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((d: { userId: string }) => d.userId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `p-${i}`).sort());
    expectError(await api.call("GET", "/v1/topics/paged/subscribers?cursor=nope"), 400, "malformed_request");
  });

  it("removes subscribers, counting only those that were subscribed", async () => {
    await api.call("POST", "/v1/topics/leaving/subscribers", { subscribers: ["l-1", "l-2"] });
    const res = await api.call("DELETE", "/v1/topics/leaving/subscribers", { userIds: ["l-1", "l-9"] });
    expect(res).toMatchObject({ status: 200, body: { removed: 1 } });
    expect((await api.call("GET", "/v1/topics/leaving")).body.subscriberCount).toBe(1);
  });

  it("answers 404 for an unknown topic", async () => {
    expectError(await api.call("GET", "/v1/topics/never-made"), 404, "not_found");
    expectError(await api.call("GET", "/v1/topics/never-made/subscribers"), 404, "not_found");
    expectError(
      await api.call("DELETE", "/v1/topics/never-made/subscribers", { userIds: ["x"] }),
      404,
      "not_found",
    );
    expect((await api.call("GET", "/v1/topics/never-made")).status).toBe(404);
  });

  it("refuses bad keys and bad bodies with 422", async () => {
    for (const key of ["Upper", "-dash-first", "has space", "a".repeat(129), "sl%2Fash"]) {
      expectError(
        await api.call("POST", `/v1/topics/${encodeURIComponent(key)}/subscribers`, { subscribers: ["x"] }),
        422,
        "validation_failed",
      );
    }
    expect(
      (await api.call("POST", `/v1/topics/${"a".repeat(128)}/subscribers`, { subscribers: ["x"] })).status,
    ).toBe(200);
    const bad = [
      { subscribers: [] },
      { subscribers: Array.from({ length: 1001 }, (_, i) => `u${i}`) },
      { subscribers: [{ email: "no-user@example.com" }] },
      { subscribers: [{ userId: "u", email: "not-an-email" }] },
      { subscribers: [{ userId: "u", nickname: "x" }] },
      { subscribers: ["ok"], extra: true },
      { userIds: ["u"] },
    ];
    for (const body of bad) {
      expectError(await api.call("POST", "/v1/topics/valid/subscribers", body), 422, "validation_failed");
    }
    expectError(
      await api.call("DELETE", "/v1/topics/valid/subscribers", { userIds: [] }),
      422,
      "validation_failed",
    );
    expect((await api.call("GET", "/v1/topics/valid")).status).toBe(404);
  });
});

describe("events addressed to a topic", () => {
  beforeAll(async () => {
    await api.call("POST", "/v1/topics/launch/subscribers", { subscribers: ["e-1", "e-2"] });
  });

  it("accepts topic instead of userId and shows the fan-out on the event", async () => {
    const res = await api.call("POST", "/v1/events", promo({ topic: "launch", idempotencyKey: "launch-1" }));
    expect(res.status).toBe(202);
    expect(res.body.eventId).toMatch(/^evt_/);
    const replay = await api.call(
      "POST",
      "/v1/events",
      promo({ topic: "launch", idempotencyKey: "launch-1" }),
    );
    expect(replay.body.eventId).toBe(res.body.eventId);
    const conflict = await api.call(
      "POST",
      "/v1/events",
      promo({ topic: "paged", idempotencyKey: "launch-1" }),
    );
    expectError(conflict, 409, "idempotency_conflict");
    const event = await api.call("GET", `/v1/events/${res.body.eventId}`);
    expect(event.body).toMatchObject({ topic: "launch", status: "accepted", notifications: [] });
    expect(event.body.userId).toBeUndefined();
    const job = await api.deps.queues.get("events").getJob(res.body.eventId);
    expect(job?.name).toBe("route");
  });

  it("requires exactly one of userId and topic, and no inline user with a topic", async () => {
    const neither = await api.call("POST", "/v1/events", promo({}));
    expectError(neither, 422, "validation_failed");
    expect(neither.body.error.details).toEqual([
      { path: "userId", message: "exactly one of userId and topic is required" },
    ]);
    expectError(
      await api.call("POST", "/v1/events", promo({ userId: "u", topic: "launch" })),
      422,
      "validation_failed",
    );
    const inline = await api.call(
      "POST",
      "/v1/events",
      promo({ topic: "launch", user: { email: "x@example.com" } }),
    );
    expectError(inline, 422, "validation_failed");
    expect(inline.body.error.details[0].path).toBe("user");
    expectError(await api.call("POST", "/v1/events", promo({ topic: "Bad Key" })), 422, "validation_failed");
  });

  it("answers 404 for a topic no one subscribed to", async () => {
    expectError(await api.call("POST", "/v1/events", promo({ topic: "nobody-here" })), 404, "not_found");
  });

  it("takes topic events in a batch, item by item", async () => {
    const res = await api.call("POST", "/v1/events/batch", {
      events: [
        promo({ topic: "launch" }),
        promo({ topic: "nobody-here" }),
        promo({}),
        promo({ userId: "e-1" }),
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 404, 422, 202]);
    expect(res.body.results[1].error.code).toBe("not_found");
  });
});
