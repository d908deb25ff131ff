import { addTopicSubscribers } from "@herald/db";
import { scheduleRunJobId } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

// Monday 7 December 2026, 10:00 UTC (11:00 in Berlin).
const NOW = new Date("2026-12-07T10:00:00Z");
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  api.deps.clock = () => NOW;
});
afterAll(() => api.close());

const promo = catalog.weekly_promo.example;
const weekly = { frequency: "weekly", days: ["mon"], at: "09:00" };

/** A 4xx answer in SPEC's error shape, naming `path` among its details when given. */
function expectError(res: { status: number; body: any }, status: number, code: string, path?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
  expect(typeof res.body.error.message).toBe("string");
  if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
}

/** The state of a schedule run's job in Redis ("unknown" when there is none). */
const jobState = (id: string, runAt: string) =>
  api.deps.queues.get("digest").getJobState(scheduleRunJobId(id, new Date(runAt)));

describe("POST /v1/schedules", () => {
  it("creates a schedule in the user's zone, with its first run and that run's job", async () => {
    const res = await api.call("POST", "/v1/schedules", {
      type: "weekly_promo",
      userId: "sch-ada",
      data: promo,
      repeat: weekly,
      user: { email: "ada@example.com", timezone: "Europe/Berlin" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Monday 09:00 Berlin has passed today: next Monday, 08:00 UTC in winter.
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^sch_/),
      type: "weekly_promo",
      userId: "sch-ada",
      topic: null,
      repeat: weekly,
      runs: 0,
      nextRunAt: "2026-12-14T08:00:00.000Z",
      lastRunAt: null,
      paused: false,
    });
    expect(await jobState(res.body.id, res.body.nextRunAt)).toBe("delayed");
    expect((await api.call("GET", "/v1/users/sch-ada")).body).toMatchObject({ email: "ada@example.com" });
  });

  it("answers a repeat with the same Idempotency-Key with the first schedule, making none", async () => {
    const request = { type: "weekly_promo", userId: "sch-idem", data: promo, repeat: weekly };
    const key = { "idempotency-key": "sch-idem-1" };
    const first = await api.call("POST", "/v1/schedules", request, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // A retry after a lost answer, and two at once: the first request's schedule each time.
    const [again, racing] = await Promise.all([
      api.call("POST", "/v1/schedules", request, key),
      api.call("POST", "/v1/schedules", { ...request, repeat: { frequency: "daily" } }, key),
    ]);
    for (const res of [again, racing]) {
      expect(res.status).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(res.body).toEqual(first.body);
    }
    const listed = await api.call("GET", "/v1/schedules?userId=sch-idem");
    expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([first.body.id]);
    // Another key is another request.
    const other = await api.call("POST", "/v1/schedules", request, { "idempotency-key": "sch-idem-2" });
    expect(other.body.id).not.toBe(first.body.id);
    expectError(
      await api.call("POST", "/v1/schedules", request, { "idempotency-key": "k".repeat(256) }),
      422,
      "validation_failed",
      "header.idempotency-key",
    );
  });

  it("reads the rule's own zone, startsAt and a topic", async () => {
    await addTopicSubscribers(api.deps.db, "sch.news", [{ userId: "sch-sub" }]);
    const res = await api.call("POST", "/v1/schedules", {
      type: "weekly_promo",
      topic: "sch.news",
      data: promo,
      repeat: { frequency: "daily", at: "18:00", timezone: "America/New_York" },
      startsAt: "2026-12-20T00:00:00Z",
      maxRuns: 3,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 20 December 00:00Z is the 19th in New York: 18:00 EST that day is 23:00Z.
    expect(res.body).toMatchObject({ topic: "sch.news", userId: null, maxRuns: 3 });
    expect(res.body.nextRunAt).toBe("2026-12-20T23:00:00.000Z");
    expect(res.body.repeat).toEqual({ frequency: "daily", at: "18:00", timezone: "America/New_York" });
  });

  it("refuses what POST /v1/events refuses, naming the field", async () => {
    const base = { type: "weekly_promo", userId: "sch-bad", data: promo, repeat: weekly };
    expectError(
      await api.call("POST", "/v1/schedules", { ...base, type: "nope" }),
      422,
      "unknown_type",
      "type",
    );
    expectError(
      await api.call("POST", "/v1/schedules", { ...base, data: { ...promo, ctaUrl: "ftp://x" } }),
      422,
      "invalid_data",
      "data.ctaUrl",
    );
    expectError(
      await api.call("POST", "/v1/schedules", { ...base, channels: ["sms"] }),
      422,
      "validation_failed",
      "channels.0",
    );
    expectError(
      await api.call("POST", "/v1/schedules", { ...base, topic: "sch.news" }),
      422,
      "validation_failed",
      "topic",
    );
    const { userId: _u, ...neither } = base;
    expectError(await api.call("POST", "/v1/schedules", neither), 422, "validation_failed", "userId");
    expectError(
      await api.call("POST", "/v1/schedules", { ...neither, topic: "never-subscribed" }),
      404,
      "not_found",
    );
  });

  it("refuses a bad rule and a rule with no run before endsAt", async () => {
    const base = { type: "weekly_promo", userId: "sch-bad", data: promo };
    const cases: [unknown, string][] = [
      [{ frequency: "hourly", at: "09:00" }, "repeat.at"],
      [{ frequency: "daily", days: ["mon"] }, "repeat.days"],
      [{ frequency: "daily", at: "25:00" }, "repeat.at"],
      [{ frequency: "daily", timezone: "Mars/Olympus" }, "repeat.timezone"],
      [{ frequency: "yearly" }, "repeat.frequency"],
      [{ frequency: "monthly", dayOfMonth: 32 }, "repeat.dayOfMonth"],
    ];
    for (const [repeat, path] of cases) {
      expectError(
        await api.call("POST", "/v1/schedules", { ...base, repeat }),
        422,
        "validation_failed",
        path,
      );
    }
    expectError(
      await api.call("POST", "/v1/schedules", {
        ...base,
        repeat: weekly,
        startsAt: "2026-12-08T00:00:00Z",
        endsAt: "2026-12-13T00:00:00Z",
      }),
      422,
      "validation_failed",
      "endsAt",
    );
    expect((await api.call("GET", "/v1/schedules?userId=sch-bad")).body.data).toEqual([]);
  });
});

describe("reading, changing and deleting schedules", () => {
  const create = async (userId: string, extra: Record<string, unknown> = {}) => {
    const res = await api.call("POST", "/v1/schedules", {
      type: "weekly_promo",
      userId,
      data: promo,
      repeat: { frequency: "daily", at: "12:00" },
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it("lists by user, topic and type, a page at a time", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create("sch-list")).id);
    const first = await api.call("GET", "/v1/schedules?userId=sch-list&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.data.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const second = await api.call(
      "GET",
      `/v1/schedules?userId=sch-list&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await api.call("GET", "/v1/schedules?userId=sch-list&type=order_placed")).body.data).toEqual([]);
    expect((await api.call("GET", "/v1/schedules?topic=sch.news")).body.data).toHaveLength(1);
    expectError(await api.call("GET", "/v1/schedules?cursor=nope"), 400, "malformed_request");
  });

  it("gets one with its runs, and 404 for an unknown id", async () => {
    const s = await create("sch-get");
    const res = await api.call("GET", `/v1/schedules/${s.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.id, nextRunAt: "2026-12-07T12:00:00.000Z", recentRuns: [] });
    expectError(await api.call("GET", "/v1/schedules/sch_00000000000000000000000000"), 404, "not_found");
  });

  it("pauses, resumes, and computes the next run again when the rule changes", async () => {
    const s = await create("sch-patch");
    const paused = await api.call("PATCH", `/v1/schedules/${s.id}`, { paused: true });
    expect(paused.body).toMatchObject({ paused: true, nextRunAt: "2026-12-07T12:00:00.000Z" });
    // Resumed two days later: the runs in between are skipped.
    api.deps.clock = () => new Date("2026-12-09T13:00:00Z");
    try {
      const resumed = await api.call("PATCH", `/v1/schedules/${s.id}`, { paused: false });
      expect(resumed.body).toMatchObject({ paused: false, nextRunAt: "2026-12-10T12:00:00.000Z" });
      expect(await jobState(s.id, resumed.body.nextRunAt)).toBe("delayed");
    } finally {
      api.deps.clock = () => NOW;
    }
    const changed = await api.call("PATCH", `/v1/schedules/${s.id}`, {
      repeat: { frequency: "monthly", dayOfMonth: 31, at: "08:00" },
      timezone: "Asia/Kolkata",
      data: { ...promo, headline: "Changed" },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // 31 December 08:00 in Kolkata (UTC+05:30).
    expect(changed.body).toMatchObject({
      nextRunAt: "2026-12-31T02:30:00.000Z",
      data: { headline: "Changed" },
    });
    expect(changed.body.repeat).toMatchObject({ frequency: "monthly", timezone: "Asia/Kolkata" });
    const ended = await api.call("PATCH", `/v1/schedules/${s.id}`, { endsAt: "2026-12-20T00:00:00Z" });
    expect(ended.body.nextRunAt).toBeNull();
    expectError(
      await api.call("PATCH", `/v1/schedules/${s.id}`, { data: { headline: "" } }),
      422,
      "invalid_data",
      "data.headline",
    );
    expectError(
      await api.call("PATCH", `/v1/schedules/${s.id}`, { timezone: "Nowhere/Land" }),
      422,
      "validation_failed",
      "timezone",
    );
    expectError(
      await api.call("PATCH", "/v1/schedules/sch_00000000000000000000000000", { paused: true }),
      404,
      "not_found",
    );
  });

  it("deletes a schedule and its queued run", async () => {
    const s = await create("sch-delete");
    expect(await jobState(s.id, s.nextRunAt)).toBe("delayed");
    const res = await api.call("DELETE", `/v1/schedules/${s.id}`);
    expect(res.status).toBe(204);
    expect(await jobState(s.id, s.nextRunAt)).toBe("unknown");
    expectError(await api.call("GET", `/v1/schedules/${s.id}`), 404, "not_found");
    expectError(await api.call("DELETE", `/v1/schedules/${s.id}`), 404, "not_found");
  });

  it("goes with its user when the user is erased", async () => {
    const s = await create("sch-erased", { user: { email: "erased@example.com" } });
    expect((await api.call("DELETE", "/v1/users/sch-erased")).status).toBeLessThan(300);
    expectError(await api.call("GET", `/v1/schedules/${s.id}`), 404, "not_found");
  });
});
