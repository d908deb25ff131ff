import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventRequest } from "../src/schemas/event.ts";
import { ingestEvents, validateEvent } from "../src/services/ingest.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const order = (extra: Record<string, unknown> = {}) => ({
  type: "order_placed",
  userId: "user_1",
  data: catalog.order_placed.example,
  ...extra,
});

const counts = async () => {
  const [row] = await api.db.sql<
    { events: number; recipients: number }[]
  >`select (select count(*) from events)::int as events, (select count(*) from recipients)::int as recipients`;
  const waiting = await api.deps.queues
    .get("events")
    .getJobCountByTypes("waiting", "prioritized", "delayed", "active");
  return { events: row!.events, recipients: row!.recipients, jobs: waiting };
};

describe("POST /v1/events idempotency", () => {
  it("returns the first eventId for a repeated body key and creates nothing new", async () => {
    const first = await api.call("POST", "/v1/events", order({ idempotencyKey: "k-body" }));
    expect(first.status).toBe(202);
    const before = await counts();
    const again = await api.call("POST", "/v1/events", order({ idempotencyKey: "k-body" }));
    expect(again.status).toBe(202);
    expect(again.body.eventId).toBe(first.body.eventId);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await counts()).toEqual(before);
  });

  it("accepts the key as an Idempotency-Key header too", async () => {
    const a = await api.call("POST", "/v1/events", order(), { "idempotency-key": "k-header" });
    const b = await api.call("POST", "/v1/events", order(), { "idempotency-key": "k-header" });
    expect(a.status).toBe(202);
    expect(b.body.eventId).toBe(a.body.eventId);
  });

  it("creates exactly one event when the same key arrives concurrently", async () => {
    const before = await counts();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.call("POST", "/v1/events", order({ idempotencyKey: "k-race" }))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    const after = await counts();
    expect(after.events).toBe(before.events + 1);
    expect(after.jobs).toBe(before.jobs + 1);
  });

  it("refuses a reused key with a different body (409) and creates nothing", async () => {
    await api.call("POST", "/v1/events", order({ idempotencyKey: "k-conflict" }));
    const before = await counts();
    const other = await api.call(
      "POST",
      "/v1/events",
      order({ idempotencyKey: "k-conflict", userId: "someone_else" }),
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_conflict");
    expect(await counts()).toEqual(before);
  });
});

describe("concurrent single POSTs", () => {
  it("share INSERT statements, yet each gets its own event, recipient data and answer", async () => {
    // Counts INSERT statements on events (the test database is this file's own).
    await api.db.sql`create table if not exists stmt_count (n int not null)`;
    await api.db.sql`insert into stmt_count select 0 where not exists (select 1 from stmt_count)`;
    await api.db.sql`create or replace function count_stmt() returns trigger language plpgsql as $$
      begin update stmt_count set n = n + 1; return null; end $$`;
    await api.db.sql`create trigger count_event_inserts after insert on events
      for each statement execute function count_stmt()`;
    try {
      await api.call("POST", "/v1/events", order({ idempotencyKey: "k-group-taken" }));
      await api.db.sql`update stmt_count set n = 0`;
      const answers = await Promise.all([
        ...Array.from({ length: 40 }, (_, i) =>
          api.call(
            "POST",
            "/v1/events",
            order({
              userId: `group-${i}`,
              user: { email: `group-${i}@example.com` },
              idempotencyKey: `k-g-${i}`,
            }),
          ),
        ),
        // Same key, other body: refused alone, its neighbours unaffected.
        api.call("POST", "/v1/events", order({ userId: "someone-else", idempotencyKey: "k-group-taken" })),
      ]);
      expect(answers.slice(0, 40).map((a) => a.status)).toEqual(Array(40).fill(202));
      expect(answers[40]!.status).toBe(409);
      const ids = answers.slice(0, 40).map((a) => a.body.eventId as string);
      expect(new Set(ids).size).toBe(40);
      const rows = await api.db.sql<{ id: string; user_id: string; email: string }[]>`
        select e.id, e.user_id, r.email from events e join recipients r on r.external_id = e.user_id
        where e.id = any(${ids})`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      ids.forEach((id, i) => {
        expect(byId.get(id)?.user_id).toBe(`group-${i}`);
        expect(byId.get(id)?.email).toBe(`group-${i}@example.com`);
      });
      const [count] = await api.db.sql<{ n: number }[]>`select n from stmt_count`;
      // One statement per request without grouping (41).
      expect(count!.n).toBeLessThan(20);
    } finally {
      await api.db.sql`drop trigger count_event_inserts on events`;
    }
  });
});

describe("bad input gets the documented status and error shape, and creates nothing", () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
    [
      "malformed JSON",
      () => api.call("POST", "/v1/events", '{"type": "order_placed",'),
      400,
      "malformed_request",
    ],
    [
      "unknown type",
      () => api.call("POST", "/v1/events", order({ type: "no_such_type" })),
      422,
      "unknown_type",
    ],
    [
      "missing data field",
      () =>
        api.call(
          "POST",
          "/v1/events",
          order({ data: { ...catalog.order_placed.example, orderId: undefined } }),
        ),
      422,
      "invalid_data",
    ],
    [
      "2 MB body",
      () =>
        api.call(
          "POST",
          "/v1/events",
          order({ data: { ...catalog.order_placed.example, pad: "x".repeat(2 * 1024 * 1024) } }),
        ),
      413,
      "payload_too_large",
    ],
    [
      "missing API key",
      () => api.call("POST", "/v1/events", order(), { authorization: "" }),
      401,
      "unauthorized",
    ],
    [
      "wrong API key",
      () => api.call("POST", "/v1/events", order(), { authorization: "Bearer hk_live_wrongwrongwrongwrong" }),
      401,
      "unauthorized",
    ],
    [
      "missing userId",
      () => api.call("POST", "/v1/events", { type: "order_placed", data: {} }),
      422,
      "validation_failed",
    ],
    [
      "not JSON content type",
      () => api.call("POST", "/v1/events", "type=order_placed", { "content-type": "text/plain" }),
      415,
      "unsupported_media_type",
    ],
  ];

  it("accepts a JSON Content-Type written with the whitespace HTTP allows", async () => {
    for (const type of ["application/json ; charset=utf-8", "application/json;", "Application/JSON"]) {
      const res = await api.call("POST", "/v1/events", JSON.stringify(order()), { "content-type": type });
      expect(res.status, type).toBe(202);
    }
  });

  for (const [name, send, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = await counts();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toEqual({
        error: {
          code,
          message: expect.any(String),
          requestId: expect.any(String),
          ...(res.body?.error?.details ? { details: expect.any(Array) } : {}),
        },
      });
      expect(await counts()).toEqual(before);
    });
  }

  it("names the failing field for data that does not match the type", async () => {
    const res = await api.call(
      "POST",
      "/v1/events",
      order({ data: { ...catalog.order_placed.example, items: [{ name: "x", quantity: 0, price: 1 }] } }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("data.items.0.quantity");
    expect(res.body.error.details[0].path).toBe("data.items.0.quantity");
  });

  it("echoes a caller's request id in the error", async () => {
    const res = await api.call("POST", "/v1/events", "{", { "x-request-id": "trace-1234abcd" });
    expect(res.body.error.requestId).toBe("trace-1234abcd");
  });
});

describe("priority", () => {
  // SPEC §3: critical types go ahead of everything else in every queue.
  it("keeps a critical type critical when the event asks for less, and lets others be raised or lowered", async () => {
    const reset = await api.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "prio_1",
      data: catalog.password_reset.example,
      priority: "low",
    });
    const promo = await api.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId: "prio_1",
      data: catalog.weekly_promo.example,
      priority: "high",
    });
    const order = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "prio_1",
      data: catalog.order_placed.example,
      priority: "low",
    });
    const priorityOf = async (id: string) => (await api.call("GET", `/v1/events/${id}`)).body.priority;
    expect(await priorityOf(reset.body.eventId)).toBe("critical");
    expect(await priorityOf(promo.body.eventId)).toBe("high");
    expect(await priorityOf(order.body.eventId)).toBe("low");
    const job = await api.deps.queues.get("events", "critical").getJob(reset.body.eventId);
    expect(job?.opts.priority).toBe(1);
  });
});

describe("POST /v1/events/batch", () => {
  it("accepts valid items and reports the invalid ones per item", async () => {
    const res = await api.call("POST", "/v1/events/batch", {
      events: [order(), order({ type: "nope" }), { userId: "x" }, order({ userId: "user_2" })],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 422, 422, 202]);
    expect(res.body.results[1].error.code).toBe("unknown_type");
  });

  it("routes the events accepted together by one job per priority, stamped on each event", async () => {
    const reset = {
      type: "password_reset",
      userId: "user_3",
      data: catalog.password_reset.example,
    };
    const promo = { type: "weekly_promo", userId: "user_4", data: catalog.weekly_promo.example };
    const res = await api.call("POST", "/v1/events/batch", {
      events: [order(), reset, order({ userId: "user_2" }), promo, reset, order({ userId: "user_5" })],
    });
    expect(res.status).toBe(202);
    const ids: string[] = res.body.results.map((r: { eventId: string }) => r.eventId);
    const rows = await api.db.sql<{ id: string; route_job: string | null }[]>`
      select id, route_job from events where id = any(${ids}::text[])`;
    const routeJob = new Map(rows.map((r) => [r.id, r.route_job]));
    const queue = api.deps.queues.get("events");

    // Three normal events: one group job with all three, at normal priority.
    const normal = [ids[0]!, ids[2]!, ids[5]!];
    const normalGroup = routeJob.get(normal[0]!)!;
    expect(normalGroup).toMatch(/^grp_/);
    expect(normal.map((id) => routeJob.get(id))).toEqual([normalGroup, normalGroup, normalGroup]);
    const normalJob = await queue.getJob(normalGroup);
    expect(normalJob?.name).toBe("route_group");
    expect(normalJob?.data).toEqual({ eventIds: normal });
    expect(normalJob?.opts.priority).toBe(3);
    // Two critical ones: a group of their own, in the critical lane, ahead of everything.
    const criticalGroup = routeJob.get(ids[1]!)!;
    expect(criticalGroup).not.toBe(normalGroup);
    expect(await queue.getJob(criticalGroup)).toBeUndefined();
    const criticalJob = await api.deps.queues.get("events", "critical").getJob(criticalGroup);
    expect(criticalJob?.data).toEqual({ eventIds: [ids[1], ids[4]] });
    expect(criticalJob?.opts.priority).toBe(1);
    // The one low-priority event: a route job of its own, job id = event id.
    expect(routeJob.get(ids[3]!)).toBeNull();
    const lone = await queue.getJob(ids[3]!);
    expect(lone?.name).toBe("route");
    expect(lone?.opts.priority).toBe(4);
    // No event got a job of its own besides the lone one.
    for (const id of [...normal, ids[1]!, ids[4]!])
      expect(await api.deps.queues.find("events", id)).toBeUndefined();
  });

  it("gives requests repeating one idempotency key no group: the event's job id is its own", async () => {
    // Single POSTs arriving together share one ingest call; two of them repeating a key are one event.
    const same = () => validateEvent(order({ idempotencyKey: "k-same" }) as EventRequest, undefined, null);
    const [a, b] = await ingestEvents(api.deps, [same(), same()]);
    expect(a && "eventId" in a && b && "eventId" in b && b.eventId === a.eventId).toBe(true);
    const id = (a as { eventId: string }).eventId;
    const [row] = await api.db.sql<
      { route_job: string | null }[]
    >`select route_job from events where id = ${id}`;
    // A replay of it in another call enqueues a job with this same id: one job, never two.
    expect(row?.route_job).toBeNull();
    expect((await api.deps.queues.get("events").getJob(id))?.name).toBe("route");
  });

  it("rejects more than 1,000 events", async () => {
    const res = await api.call("POST", "/v1/events/batch", {
      events: Array.from({ length: 1001 }, () => order()),
    });
    expect(res.status).toBe(422);
  });
});
