import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ API_RATE_LIMIT: "off" });
});
afterAll(() => api.close());

const batch = (users: unknown[], headers?: Record<string, string>) =>
  api.call("POST", "/v1/users/batch", { users }, headers);

/** A 4xx answer in SPEC's error shape. */
function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
  expect(typeof res.body.error.message).toBe("string");
}

const TIMES = ["created_at", "updated_at", "erased_at", "tokens_valid_from", "digests_unsettled_since"];

/** The stored rows of these user ids, by user id, their times as Dates. */
async function rows(userIds: string[]): Promise<Map<string, Record<string, any>>> {
  const found = await api.db.sql<{ row: Record<string, any> }[]>`
    select to_jsonb(r) as row from recipients r where external_id = any(${userIds}::text[])`;
  return new Map(
    found.map(({ row }) => {
      for (const t of TIMES) if (row[t] !== null) row[t] = new Date(row[t]);
      return [row.external_id, row];
    }),
  );
}

const reschedules = async (recipientId: string) =>
  (await api.deps.queues.get("digest").getJobs(["waiting", "prioritized", "delayed"])).filter(
    (j) => j.name === "reschedule" && j.data.recipientId === recipientId,
  ).length;

describe("POST /v1/users/batch", () => {
  it("creates, updates and leaves unchanged, as PUT would, and a repeat writes nothing", async () => {
    const users = [
      { userId: "b-ada", email: "ada@example.com", phone: "+14155550100", locale: "en-GB", timezone: "UTC" },
      { userId: "b-bob", email: "bob@example.com", properties: { plan: "pro", seats: 3 } },
      { userId: "__proto__", locale: "fr" },
    ];
    const first = await batch(users);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      results: [
        { index: 0, outcome: "created" },
        { index: 1, outcome: "created" },
        { index: 2, outcome: "created" },
      ],
    });
    expect((await api.call("GET", "/v1/users/b-bob")).body).toMatchObject({
      id: expect.stringMatching(/^usr_/),
      email: "bob@example.com",
      phone: null,
      properties: { plan: "pro", seats: 3 },
    });
    expect((await api.call("GET", "/v1/users/__proto__")).body.locale).toBe("fr");
    const before = await rows(users.map((u) => u.userId));

    // A retry after a timeout: nothing changes, not even updatedAt.
    const again = await batch(users);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(Array(3).fill("unchanged"));
    expect(await rows(users.map((u) => u.userId))).toEqual(before);

    // Fields left out keep their value, null clears one, properties are replaced (as PUT does).
    const changed = await batch([
      { userId: "b-ada", phone: null },
      { userId: "b-bob", email: "bob@example.com", properties: { plan: "pro", seats: 3 } },
      { userId: "__proto__" },
      { userId: "b-cat", timezone: "Europe/Paris" },
    ]);
    expect(changed.body).toMatchObject({ created: 1, updated: 1, unchanged: 2, rejected: 0 });
    expect(changed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      "updated",
      "unchanged",
      "unchanged",
      "created",
    ]);
    const after = await rows(["b-ada", "b-bob"]);
    expect(after.get("b-ada")).toMatchObject({ email: "ada@example.com", phone: null, locale: "en-GB" });
    expect(after.get("b-ada")!.updated_at.getTime()).toBeGreaterThan(
      before.get("b-ada")!.updated_at.getTime(),
    );
    expect(after.get("b-bob")).toEqual(before.get("b-bob"));
  });

  it("rejects invalid items one by one with their paths, writing the others and none of them", async () => {
    const res = await batch([
      { userId: "v-ok", email: "ok@example.com" },
      { userId: "v-email", email: "not-an-email" },
      { userId: "v-many", phone: "0412 345", timezone: "Mars/Olympus", nickname: "x" },
      { userId: "v-nul", properties: { name: "A\u0000da" } },
      { email: "no-id@example.com" },
      "v-string",
      { userId: "v-locale", locale: "english please" },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, updated: 0, unchanged: 0, rejected: 6 });
    const paths = (i: number) =>
      res.body.results[i].error.details
        .map((d: { path: string }) => d.path)
        .sort((a: string, b: string) => a.localeCompare(b));
    expect(res.body.results[0]).toEqual({ index: 0, outcome: "created" });
    for (const i of [1, 2, 3, 4, 5, 6]) {
      expect(res.body.results[i]).toMatchObject({
        index: i,
        outcome: "rejected",
        error: { code: "validation_failed", message: expect.any(String) },
      });
    }
    expect(paths(1)).toEqual(["email"]);
    expect(paths(2)).toEqual(["nickname", "phone", "timezone"]);
    expect(res.body.results[3].error.details).toEqual([
      { path: "properties.name", message: "must not contain the NUL character (U+0000)" },
    ]);
    expect(paths(4)).toEqual(["userId"]);
    expect(paths(5)).toEqual(["(body)"]);
    expect(paths(6)).toEqual(["locale"]);
    expect([...(await rows(["v-ok", "v-email", "v-many", "v-nul", "v-string", "v-locale"])).keys()]).toEqual([
      "v-ok",
    ]);
  });

  it("takes 1 to 1,000 users: 1,001, none, or a body that is not {users} is refused whole", async () => {
    const many = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ userId: `${prefix}-${i}` }));
    const tooMany = await batch(many(1001, "l-over"));
    expectError(tooMany, 422, "validation_failed");
    expect(tooMany.body.error.details.map((d: { path: string }) => d.path)).toEqual(["users"]);
    expectError(await batch([]), 422, "validation_failed");
    expectError(
      await api.call("POST", "/v1/users/batch", { users: many(1, "l-x"), extra: 1 }),
      422,
      "validation_failed",
    );
    expectError(await api.call("POST", "/v1/users/batch", many(1, "l-y")), 422, "validation_failed");
    const [count] = await api.db.sql<{ n: number }[]>`
      select count(*)::int as n from recipients where external_id like 'l-%'`;
    expect(count!.n).toBe(0);
    const full = await batch(many(1000, "l-max"));
    expect(full.body).toMatchObject({ created: 1000, rejected: 0 });
    expect(full.body.results).toHaveLength(1000);
  });

  it("takes a body up to 8 × MAX_BODY_BYTES, as the events batch does: 1,000 users with properties outgrow 1 MB", async () => {
    const padded = (n: number, prefix: string, pad: number) =>
      Array.from({ length: n }, (_, i) => ({
        userId: `${prefix}-${i}`,
        properties: { bio: "x".repeat(pad) },
      }));
    const big = await batch(padded(1000, "p-big", 2000));
    expect(big.status).toBe(200);
    expect(big.body.created).toBe(1000);
    expectError(await batch(padded(1000, "p-huge", 9000)), 413, "payload_too_large");
  });

  it("refuses a batch naming a user id twice (422 naming every place), writing nothing", async () => {
    const res = await batch([
      { userId: "d-one", email: "one@example.com" },
      { userId: "d-two" },
      { userId: "d-one", email: "other@example.com" },
      { userId: "d-two", email: "bad" },
    ]);
    expectError(res, 422, "validation_failed");
    expect(res.body.error.details).toEqual([
      { path: "users.0.userId", message: "same userId as users.2" },
      { path: "users.1.userId", message: "same userId as users.3" },
      { path: "users.2.userId", message: "same userId as users.0" },
      { path: "users.3.userId", message: "same userId as users.1" },
    ]);
    expect((await rows(["d-one", "d-two"])).size).toBe(0);
  });

  it("starts an erased user id afresh as a new recipient, as PUT does", async () => {
    for (const userId of ["e-put", "e-batch"]) {
      expect(
        (await api.call("PUT", `/v1/users/${userId}`, { email: "old@example.com", locale: "de" })).status,
      ).toBe(200);
      expect((await api.call("DELETE", `/v1/users/${userId}`)).status).toBe(204);
    }
    const erased = await rows(["e-batch"]);
    expect(erased.get("e-batch")!.erased_at).toBeInstanceOf(Date);
    expect((await api.call("PUT", "/v1/users/e-put", { email: "new@example.com" })).status).toBe(200);
    const res = await batch([{ userId: "e-batch", email: "new@example.com" }]);
    expect(res.body).toMatchObject({ created: 1, updated: 0, unchanged: 0 });

    const after = await rows(["e-put", "e-batch"]);
    const put = after.get("e-put")!;
    const imported = after.get("e-batch")!;
    expect(imported).toMatchObject({ erased_at: null, email: "new@example.com", locale: null });
    expect(imported.id).toBe(erased.get("e-batch")!.id);
    expect(imported.created_at.getTime()).toBeGreaterThan(erased.get("e-batch")!.created_at.getTime());
    expect(strip(imported)).toEqual(strip(put));
    // Sent again, the revived user is an ordinary live one.
    expect((await batch([{ userId: "e-batch", email: "new@example.com" }])).body.unchanged).toBe(1);
  });

  it("needs the users:write scope: a read or events-only key gets 403 and writes nothing", async () => {
    for (const scopes of [["read"], ["events:write"]]) {
      const key = await api.call("POST", "/v1/api-keys", { name: scopes.join("+"), scopes });
      expect(key.status).toBe(201);
      const res = await batch([{ userId: "s-denied", email: "s@example.com" }], {
        authorization: `Bearer ${key.body.key}`,
      });
      expectError(res, 403, "forbidden");
      expect(res.body.error.message).toMatch(/users:write/);
    }
    expect((await rows(["s-denied"])).size).toBe(0);
  });

  it("changes an address and a time zone with PUT's side effects: same row, devices kept, digest windows moved", async () => {
    const start = { email: "t@example.com", phone: "+14155550111", timezone: "Europe/Paris", locale: "fr" };
    const change = { email: "t2@example.com", phone: "+14155550122", timezone: "Asia/Tokyo" };
    const ids: Record<string, string> = {};
    for (const userId of ["tw-put", "tw-batch"]) {
      ids[userId] = (await api.call("PUT", `/v1/users/${userId}`, start)).body.id;
      const device = await api.call("POST", `/v1/users/${userId}/devices`, {
        kind: "fcm",
        token: `tok-${userId}`,
      });
      expect(device.status).toBe(201);
      // A new user has no digest window to move.
      expect(await reschedules(ids[userId]!)).toBe(0);
    }
    expect((await api.call("PUT", "/v1/users/tw-put", change)).status).toBe(200);
    expect((await batch([{ userId: "tw-batch", ...change }])).body.updated).toBe(1);

    const after = await rows(["tw-put", "tw-batch"]);
    expect(after.get("tw-put")!.digests_unsettled_since).toBeInstanceOf(Date);
    expect(after.get("tw-batch")!.digests_unsettled_since).toBeInstanceOf(Date);
    expect(strip(after.get("tw-batch")!)).toEqual(strip(after.get("tw-put")!));
    for (const userId of ["tw-put", "tw-batch"]) {
      expect(await reschedules(ids[userId]!)).toBe(1);
      const user = await api.call("GET", `/v1/users/${userId}`);
      expect(user.body).toMatchObject({ ...change, locale: "fr", devices: [{ kind: "fcm" }] });
    }
  });

  it("locks users in user id order, as other writers do, so a transaction holding some of them does not deadlock it", async () => {
    // jsonb, the statement's input, keeps its keys shortest first: unsorted, the batch would lock
    // "d" before "c-1". Ingest (events with inline data) locks in user id order, as this transaction does.
    const ids = ["d", ...Array.from({ length: 20 }, (_, i) => `c-${i + 1}`)];
    expect((await batch(ids.map((userId) => ({ userId })))).body.created).toBe(ids.length);
    let imported: Promise<{ status: number; body: any }> | undefined;
    await api.db.sql.begin(async (tx) => {
      await tx`update recipients set locale = 'en' where external_id = 'c-1'`;
      imported = batch(ids.map((userId) => ({ userId, email: `${userId}@example.com` })));
      // The batch waits for c-1 before it touches d.
      await eventually(async () => {
        const [waiting] = await api.db.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%insert into recipients%'`;
        return waiting!.n === 1;
      });
      await tx`update recipients set locale = 'en' where external_id = 'd'`;
    });
    expect((await imported!).body).toMatchObject({ updated: ids.length, rejected: 0 });
  });
});

/** A recipient row without what is its own (ids, times): what PUT and the batch should leave alike. */
function strip(row: Record<string, any>) {
  const { id, external_id, created_at, updated_at, digests_unsettled_since, tokens_valid_from, ...rest } =
    row;
  return rest;
}
