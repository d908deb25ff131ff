/**
 * Values JSON and the schemas let through but PostgreSQL refuses (NUL, lone
 * surrogates, years timestamptz does not take): a 422 naming the field, and
 * in a batch only the item that holds one fails.
 */
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventRequest } from "../src/schemas/event.ts";
import { acceptBatch } from "../src/services/accept-batch.ts";
import { validateEvent } from "../src/services/ingest.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ API_RATE_LIMIT: "off" });
});
afterAll(() => api.close());

const example = catalog.order_placed.example as Record<string, unknown> & { items: object[] };
const order = (extra: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  type: "order_placed",
  userId: "user_1",
  data: { ...example, ...data },
  ...extra,
});

const eventCount = async () => {
  const [row] = await api.db.sql<{ n: number }[]>`select count(*)::int as n from events`;
  return row!.n;
};
const existing = async (ids: string[]) =>
  (await api.db.sql<{ id: string }[]>`select id from events where id = any(${ids}::text[])`).map((r) => r.id);

const NUL = "must not contain the NUL character (U+0000)";
const SURROGATE = "must not contain an unpaired UTF-16 surrogate (U+D800)";
const YEARS = "must be in the years 0001 to 9999 (UTC)";

const cases: [string, Record<string, unknown>, { path: string; message: string }][] = [
  ["NUL in data", order({}, { orderId: "A\u0000" }), { path: "data.orderId", message: NUL }],
  [
    "NUL deep in data",
    order({}, { items: [{ ...example.items[0], name: "x\u0000" }] }),
    { path: "data.items.0.name", message: NUL },
  ],
  [
    "a lone surrogate in a data value",
    order({}, { currency: "E\ud800" }),
    { path: "data.currency", message: SURROGATE },
  ],
  [
    "a lone surrogate in a data key",
    order({}, { "k\ud800": 1 }),
    { path: "data.k\\uD800", message: `key ${SURROGATE}` },
  ],
  ["NUL in idempotencyKey", order({ idempotencyKey: "k\u0000" }), { path: "idempotencyKey", message: NUL }],
  ["a lone surrogate in dedupKey", order({ dedupKey: "d\ud800" }), { path: "dedupKey", message: SURROGATE }],
  ["a lone surrogate in userId", order({ userId: "u\ud800" }), { path: "userId", message: SURROGATE }],
  [
    "NUL in a user property",
    order({ user: { properties: { name: "Ada\u0000" } } }),
    { path: "user.properties.name", message: NUL },
  ],
  [
    "a lone surrogate in a user property's key",
    order({ user: { properties: { "n\ud800": "Ada" } } }),
    { path: "user.properties.n\\uD800", message: `key ${SURROGATE}` },
  ],
  ["sendAt in year 0", order({ sendAt: "0000-01-01T00:00:00Z" }), { path: "sendAt", message: YEARS }],
  [
    "sendAt an offset moves past 9999",
    order({ sendAt: "9999-12-31T23:59:59-01:00" }),
    { path: "sendAt", message: YEARS },
  ],
];

describe("values PostgreSQL cannot store", () => {
  for (const [name, body, detail] of cases) {
    it(`${name}: POST /v1/events answers 422 naming ${detail.path}, nothing recorded`, async () => {
      const before = await eventCount();
      const res = await api.call("POST", "/v1/events", body);
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        code: "validation_failed",
        message: `${detail.path}: ${detail.message}`,
        requestId: expect.any(String),
        details: [detail],
      });
      expect(await eventCount()).toBe(before);
    });

    it(`${name}: in a batch, only that item fails and the others are recorded`, async () => {
      const before = await eventCount();
      const res = await api.call("POST", "/v1/events/batch", {
        events: [order({ userId: "batch_a" }), body, order({ userId: "batch_b" })],
      });
      expect(res.status).toBe(202);
      expect(res.body.accepted).toBe(2);
      expect(res.body.rejected).toBe(1);
      // Per-item details are relative to the item, whose place is `index`.
      expect(res.body.results[1]).toEqual({
        index: 1,
        status: 422,
        error: { code: "validation_failed", message: `${detail.path}: ${detail.message}`, details: [detail] },
      });
      const ids = [res.body.results[0].eventId, res.body.results[2].eventId];
      expect(await existing(ids)).toEqual(expect.arrayContaining(ids));
      expect(await eventCount()).toBe(before + 2);
    });
  }

  it("still accepts astral characters and the years at the edges", async () => {
    const res = await api.call("POST", "/v1/events/batch", {
      events: [
        order({ idempotencyKey: "🛒-1" }, { orderId: "🛒 A-1" }),
        order({ sendAt: "0001-01-01T00:00:00Z" }),
        order({ sendAt: "9999-12-31T23:59:59Z" }),
      ],
    });
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 202, 202]);
  });
});

describe("a value only PostgreSQL refuses, in a batch", () => {
  // Validation refuses every such value it knows; these are put past it, as an unforeseen one would be.
  const valid = (extra: Record<string, unknown>) =>
    validateEvent(order(extra) as EventRequest, undefined, null);
  const unforeseen = (extra: Record<string, unknown>) => {
    const v = valid(extra);
    return { ...v, event: { ...v.event, data: { ...v.event.data, orderId: "A\u0000" } } };
  };

  it("fails that event alone (400); the others are recorded and queued once, keys kept", async () => {
    const batch = () => [
      valid({ userId: "apart_a", idempotencyKey: "apart-a" }),
      unforeseen({ userId: "apart_b", idempotencyKey: "apart-b" }),
      valid({ userId: "apart_c", idempotencyKey: "apart-c", user: { email: "c@example.com" } }),
      valid({ userId: "apart_d" }),
      unforeseen({ userId: "apart_e", user: { email: "e@example.com" } }),
    ];
    const before = await eventCount();
    const results = await acceptBatch(api.deps, batch());
    expect(results.map((r) => ("error" in r ? r.error.status : 202))).toEqual([202, 400, 202, 202, 400]);
    expect(results[1]).toMatchObject({ error: { code: "malformed_request" } });
    const ids = results.flatMap((r) => ("eventId" in r ? [r.eventId] : []));
    expect((await existing(ids)).sort()).toEqual([...ids].sort());
    expect(await eventCount()).toBe(before + 3);
    for (const id of ids) expect(await api.deps.queues.find("events", id)).toBeDefined();
    // Only the accepted event's inline user was written.
    const users = await api.db.sql<{ external_id: string }[]>`
      select external_id from recipients where external_id in ('apart_c', 'apart_e')`;
    expect(users.map((u) => u.external_id)).toEqual(["apart_c"]);

    // A retry of the same batch replays the keyed events and creates only the unkeyed one again.
    const again = await acceptBatch(api.deps, batch());
    expect(again[0]).toEqual({ eventId: ids[0], replay: true });
    expect(again[2]).toEqual({ eventId: ids[1], replay: true });
    expect(await eventCount()).toBe(before + 4);
  });
});

describe("values PostgreSQL cannot store, in contact data outside events", () => {
  const refused = (res: { status: number; body: any }, path: string, message: string) => {
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "validation_failed",
      requestId: expect.any(String),
      details: [{ path, message }],
    });
  };

  it("PUT /v1/users/:userId answers 422 naming the property, as an event's inline user does; nothing stored", async () => {
    refused(
      await api.call("PUT", "/v1/users/put_nul", { properties: { name: "Ada\u0000" } }),
      "properties.name",
      NUL,
    );
    refused(
      await api.call("PUT", "/v1/users/put_nul", { properties: { "n\ud800": "Ada" } }),
      "properties.n\\uD800",
      `key ${SURROGATE}`,
    );
    expect((await api.call("GET", "/v1/users/put_nul")).status).toBe(404);
  });

  it("a topic subscription's contact data answers 422 naming the subscriber; nothing subscribed", async () => {
    refused(
      await api.call("POST", "/v1/topics/nul-news/subscribers", {
        subscribers: ["sub_ok", { userId: "sub_nul", properties: { name: "Ada\u0000" } }],
      }),
      "subscribers.1.properties.name",
      NUL,
    );
    expect((await api.call("GET", "/v1/topics/nul-news")).status).toBe(404);
  });
});
