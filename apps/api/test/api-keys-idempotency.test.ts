import { Herald } from "@herald/client";
import { purgeExpiredApiKeyReplays } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const HOUR = 3_600_000;
const idem = (key: string) => ({ "idempotency-key": key });

/** The test API's app with its clock moved by `ms`, or other deps changed. */
function appWith(change: Partial<TestApi["deps"]>) {
  const app = createApp({ ...api.deps, ...change });
  return async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
}
const later = (ms: number) => appWith({ clock: () => new Date(Date.now() + ms) });

const keysNamed = async (name: string) =>
  (await api.db.sql`select id from api_keys where name = ${name}`).map((r) => r.id as string);
const auditEntries = async (action: string) => {
  await api.deps.auditWriter.settled();
  return (await api.call("GET", `/v1/audit-log?action=${action}`)).body.data as { target: { id: string } }[];
};

describe("POST /v1/api-keys with an Idempotency-Key", () => {
  it("answers a repeat with the first answer, secret included, and makes one key and one audit entry", async () => {
    const body = { name: "idem create", scopes: ["read"] };
    const first = await api.call("POST", "/v1/api-keys", body, idem("create-1"));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await api.call("POST", "/v1/api-keys", body, idem("create-1"));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.body.key).toMatch(/^hk_live_/);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await keysNamed("idem create")).toEqual([first.body.id]);
    const entries = (await auditEntries("api_key.create")).filter((e) => e.target.id === first.body.id);
    expect(entries).toHaveLength(1);
    // Without the header, each request makes a key, as before.
    await api.call("POST", "/v1/api-keys", body);
    await api.call("POST", "/v1/api-keys", body);
    expect(await keysNamed("idem create")).toHaveLength(3);
  });

  it("stores the first answer encrypted: the row holds no part of the secret", async () => {
    const first = await api.call(
      "POST",
      "/v1/api-keys",
      { name: "quiet name", scopes: ["read"] },
      idem("sealed-1"),
    );
    const rows = await api.db.sql`select * from api_key_replays where idempotency_key = 'sealed-1'`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe(first.body.id);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(first.body.key);
    expect(dump).not.toContain(first.body.key.slice(12, -4));
    expect(dump).not.toContain("quiet name");
    expect(rows[0]!.answer).toMatch(/^v1\./);
  });

  it("refuses the same key with another body, or for a rotate, with 409 idempotency_conflict", async () => {
    const first = await api.call(
      "POST",
      "/v1/api-keys",
      { name: "conflict", scopes: ["read"] },
      idem("conflict-1"),
    );
    expect(first.status).toBe(201);
    const other = await api.call(
      "POST",
      "/v1/api-keys",
      { name: "conflict", scopes: ["admin"] },
      idem("conflict-1"),
    );
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: "idempotency_conflict", requestId: expect.any(String) });
    expect(other.body.error.message).toMatch(/different request/);
    const rotate = await api.call("POST", `/v1/api-keys/${first.body.id}/rotate`, {}, idem("conflict-1"));
    expect(rotate.status).toBe(409);
    expect(rotate.body.error.code).toBe("idempotency_conflict");
    expect(await keysNamed("conflict")).toEqual([first.body.id]);
  });

  it("makes one key for concurrent requests with one Idempotency-Key", async () => {
    const body = { name: "concurrent", scopes: ["read"] };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.call("POST", "/v1/api-keys", body, idem("concurrent-1"))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.key)).size).toBe(1);
    expect(await keysNamed("concurrent")).toEqual([answers[0]!.body.id]);
  });

  it("is per caller: another admin key's same Idempotency-Key makes its own key", async () => {
    const other = await api.call("POST", "/v1/api-keys", { name: "second admin", scopes: ["admin"] });
    const body = { name: "per caller", scopes: ["read"] };
    const mine = await api.call("POST", "/v1/api-keys", body, idem("shared-1"));
    const theirs = await api.call("POST", "/v1/api-keys", body, {
      ...idem("shared-1"),
      authorization: `Bearer ${other.body.key}`,
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await keysNamed("per caller")).toHaveLength(2);
  });

  it("keeps the answer 24 h: a repeat after that makes a new key; the worker's purge deletes expired answers", async () => {
    const body = { name: "expiring", scopes: ["read"] };
    const first = await api.call("POST", "/v1/api-keys", body, idem("expiring-1"));
    const within = await later(23 * HOUR)("POST", "/v1/api-keys", body, idem("expiring-1"));
    expect(within.body).toEqual(first.body);
    const after = await later(25 * HOUR)("POST", "/v1/api-keys", body, idem("expiring-1"));
    expect(after.status).toBe(201);
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(after.body.id).not.toBe(first.body.id);
    expect((await keysNamed("expiring")).sort()).toEqual([first.body.id, after.body.id].sort());

    const before = (await api.db.sql`select count(*)::int as n from api_key_replays`)[0]!.n as number;
    expect(await purgeExpiredApiKeyReplays(api.deps.db, { now: new Date(Date.now() + 23 * HOUR) })).toEqual({
      deleted: 0,
      complete: true,
    });
    // The re-claimed row expires a day after the moved clock; every other one is gone by then.
    const purged = await purgeExpiredApiKeyReplays(api.deps.db, { now: new Date(Date.now() + 25 * HOUR) });
    expect(purged.deleted).toBe(before - 1);
    const left = await api.db.sql`select key_id from api_key_replays`;
    expect(left.map((r) => r.key_id)).toEqual([after.body.id]);
  });

  it("answers 409 naming the key when the stored answer cannot be read (TRACKING_SECRET changed)", async () => {
    const body = { name: "resealed", scopes: ["read"] };
    const first = await api.call("POST", "/v1/api-keys", body, idem("resealed-1"));
    const rotatedSecret = appWith({
      env: { ...api.deps.env, TRACKING_SECRET: "another-tracking-secret-32-characters-long" },
    });
    const again = await rotatedSecret("POST", "/v1/api-keys", body, idem("resealed-1"));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("idempotency_conflict");
    expect(again.body.error.message).toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain(first.body.key);
    expect(await keysNamed("resealed")).toEqual([first.body.id]);
  });

  it("refuses an empty or over-long Idempotency-Key (422) and makes nothing", async () => {
    const body = { name: "bad header", scopes: ["read"] };
    for (const key of ["", "k".repeat(256)]) {
      const res = await api.call("POST", "/v1/api-keys", body, idem(key));
      expect(res.status, key).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    expect(await keysNamed("bad header")).toEqual([]);
  });
});

describe("POST /v1/api-keys/:keyId/rotate with an Idempotency-Key", () => {
  it("answers a repeat with the first rotation instead of 404, making one successor and one audit entry", async () => {
    const old = await api.call("POST", "/v1/api-keys", { name: "rotating", scopes: ["read"] });
    const path = `/v1/api-keys/${old.body.id}/rotate`;
    const first = await api.call("POST", path, { graceSeconds: 0 }, idem("rotate-1"));
    expect(first.status).toBe(201);
    expect(first.body.rotatedFrom).toBe(old.body.id);
    const again = await api.call("POST", path, { graceSeconds: 0 }, idem("rotate-1"));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    // Without the header the old key is gone: 404, as before.
    expect((await api.call("POST", path, { graceSeconds: 0 })).status).toBe(404);
    const successors = await api.db.sql`select id from api_keys where rotated_from = ${old.body.id}`;
    expect(successors.map((r) => r.id)).toEqual([first.body.id]);
    const entries = (await auditEntries("api_key.rotate")).filter((e) => e.target.id === old.body.id);
    expect(entries).toHaveLength(1);
    // Another grace period is another request.
    const changed = await api.call("POST", path, { graceSeconds: 60 }, idem("rotate-1"));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe("idempotency_conflict");
  });

  it("keeps nothing of a refused rotation: a repeat is tried afresh", async () => {
    const missing = "/v1/api-keys/key_01jd8q3k5m6n7p8q9r0s1t2v3w/rotate";
    expect((await api.call("POST", missing, {}, idem("rotate-missing"))).status).toBe(404);
    expect(
      (await api.db.sql`select 1 from api_key_replays where idempotency_key = 'rotate-missing'`).length,
    ).toBe(0);
    expect((await api.call("POST", missing, {}, idem("rotate-missing"))).status).toBe(404);
  });
});

describe("@herald/client apiKeys.create / rotate", () => {
  /** A client whose first request reaches the API but whose answer is lost (a timeout, a reset). */
  function losingFirstAnswer() {
    const sent: (string | null)[] = [];
    const herald = new Herald({
      apiKey: api.apiKey,
      baseUrl: "http://herald.test",
      maxRetries: 2,
      retryDelayMs: 1,
      fetch: async (input, init) => {
        const res = await api.app.request(String(input), init);
        sent.push(new Headers(init?.headers).get("idempotency-key"));
        if (sent.length === 1) throw new TypeError("fetch failed: socket hang up");
        return res;
      },
    });
    return { herald, sent };
  }

  it("retry after a lost answer with the same Idempotency-Key: one key, its secret received", async () => {
    const { herald, sent } = losingFirstAnswer();
    const created = await herald.apiKeys.create({ name: "lost answer", scopes: ["read"] });
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual(expect.any(String));
    expect(sent[1]).toBe(sent[0]);
    expect(await keysNamed("lost answer")).toEqual([created.id]);
    const works = await api.call("GET", "/v1/notifications", undefined, {
      authorization: `Bearer ${created.key}`,
    });
    expect(works.status).toBe(200);

    const rotating = losingFirstAnswer();
    const rotated = await rotating.herald.apiKeys.rotate(created.id, {}, { idempotencyKey: "deploy-7" });
    expect(rotating.sent).toEqual(["deploy-7", "deploy-7"]);
    expect(rotated.rotatedFrom).toBe(created.id);
    const successors = await api.db.sql`select id from api_keys where rotated_from = ${created.id}`;
    expect(successors.map((r) => r.id)).toEqual([rotated.id]);
  });
});
