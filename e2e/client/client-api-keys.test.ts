import { type ApiKey, type CreatedApiKey, Herald as HeraldClient } from "@herald/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";
import { offlineClient } from "./offline-client.ts";

/**
 * `herald.apiKeys` against a real API: a key made, used, rotated and revoked
 * through the client, each secret tried on the API it was made for.
 */
let herald: Herald;
let admin: HeraldClient;
beforeAll(async () => {
  herald = await startHerald({ workers: false });
  admin = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url, retryDelayMs: 20 });
});
afterAll(() => herald?.close());

const as = (key: string) => new HeraldClient({ apiKey: key, baseUrl: herald.url, maxRetries: 0 });
/** The status a read with `key` gets: 200 while it works, 401 once revoked, 403 without the scope. */
const readWith = (key: string) =>
  fetch(`${herald.url}/v1/notifications`, { headers: { authorization: `Bearer ${key}` } }).then(
    (r) => r.status,
  );
const withoutSecret = ({ key: _, ...listed }: CreatedApiKey): ApiKey => listed;

describe("@herald/client's API key methods", () => {
  it("creates a key whose secret works for its scopes only, then gets and lists it without the secret", async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const created = await admin.apiKeys.create({
      name: "reporting job",
      scopes: ["read"],
      environment: "test",
      expiresAt,
      rateLimit: 500,
    });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^key_/),
      name: "reporting job",
      environment: "test",
      scopes: ["read"],
      rateLimit: 500,
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
      rotatedFrom: null,
      display: `${created.key.slice(0, 12)}…${created.key.slice(-4)}`,
    });
    expect(created.key).toMatch(/^hk_test_[A-Za-z0-9]{40}$/);

    const reader = as(created.key);
    expect((await reader.notifications.list()).data).toEqual([]);
    await expect(reader.apiKeys.list()).rejects.toMatchObject({ status: 403, code: "forbidden" });

    const got = await admin.apiKeys.get(created.id);
    expect(got).not.toHaveProperty("key");
    expect({ ...got, lastUsedAt: null }).toEqual(withoutSecret(created));
    const listed = await admin.apiKeys.list();
    expect(listed.nextCursor).toBeNull();
    expect(listed.data[0]).toEqual(await admin.apiKeys.get(created.id));
    expect(listed).toEqual((await herald.call("GET", "/v1/api-keys")).body);
    await expect(admin.apiKeys.get("key_unknown")).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("rotates a key with a grace period, refuses a second rotation meanwhile, and revokes both, a repeat answering the same", async () => {
    const old = await admin.apiKeys.create({ name: "order-service", scopes: ["events:write", "read"] });
    const next = await admin.apiKeys.rotate(old.id, { graceSeconds: 600 });
    expect(next).toMatchObject({
      name: "order-service",
      scopes: ["events:write", "read"],
      rotatedFrom: old.id,
    });
    expect(next.key).not.toBe(old.key);
    // Both work while the deployments switch over.
    expect([await readWith(old.key), await readWith(next.key)]).toEqual([200, 200]);
    expect((await admin.apiKeys.get(old.id)).expiresAt).toEqual(expect.any(String));
    await expect(admin.apiKeys.rotate(old.id)).rejects.toMatchObject({ status: 409, code: "conflict" });

    const revoked = await admin.apiKeys.revoke(old.id);
    expect(revoked).toMatchObject({ id: old.id, revokedAt: expect.any(String) });
    expect(await readWith(old.key)).toBe(401);
    expect(await admin.apiKeys.revoke(old.id)).toEqual(revoked);
    await expect(admin.apiKeys.rotate(old.id)).rejects.toMatchObject({ status: 404, code: "not_found" });

    // Without a grace period the old key stops at once.
    const third = await admin.apiKeys.rotate(next.id);
    expect([await readWith(next.key), await readWith(third.key)]).toEqual([401, 200]);
    expect((await admin.apiKeys.list()).data.map((k) => k.id)).not.toContain(next.id);
    const all = await admin.apiKeys.list({ includeRevoked: true });
    expect(all.data.map((k) => k.id)).toEqual(expect.arrayContaining([old.id, next.id, third.id]));
  });

  it("repeats a list, get and revoke after a network error, and a create or rotate too (they carry an Idempotency-Key)", async () => {
    const { tries } = offlineClient(herald.apiKey, herald.url);
    expect(await tries((offline) => offline.apiKeys.list())).toBe(3);
    expect(await tries((offline) => offline.apiKeys.get("key_x"))).toBe(3);
    expect(await tries((offline) => offline.apiKeys.revoke("key_x"))).toBe(3);
    expect(await tries((offline) => offline.apiKeys.create({ name: "x", scopes: ["read"] }))).toBe(3);
    expect(await tries((offline) => offline.apiKeys.rotate("key_x"))).toBe(3);
  });

  it("answers a create repeated with one Idempotency-Key, over a real socket, with the first key", async () => {
    const first = await admin.apiKeys.create(
      { name: "deploy job", scopes: ["read"] },
      { idempotencyKey: "deploy-1" },
    );
    const again = await admin.apiKeys.create(
      { name: "deploy job", scopes: ["read"] },
      { idempotencyKey: "deploy-1" },
    );
    expect(again).toEqual(first);
    const named = (await admin.apiKeys.list()).data.filter((k) => k.name === "deploy job");
    expect(named.map((k) => k.id)).toEqual([first.id]);
  });

  it("reads who did it from the audit log: `auditLog.list` filters, `listAll` pages, over a real socket with its address", async () => {
    const made = await admin.apiKeys.create({ name: "audited job", scopes: ["read"] });
    await admin.apiKeys.revoke(made.id);
    // Written just after each answer: wait until both are there.
    let page = await admin.auditLog.list({ targetId: made.id });
    for (let i = 0; i < 50 && page.data.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await admin.auditLog.list({ targetId: made.id });
    }
    expect(page.data.map((e) => e.action)).toEqual(["api_key.revoke", "api_key.create"]);
    expect(page.data[1]).toMatchObject({
      actor: { via: "api_key", name: expect.any(String) },
      target: { type: "api_key", id: made.id },
      outcome: "success",
      status: 201,
      clientIp: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
    const all: string[] = [];
    for await (const e of admin.auditLog.listAll({
      action: "api_key.",
      since: new Date(Date.now() - 60_000),
      limit: 1,
    })) {
      all.push(e.id);
    }
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect([...all].sort().reverse()).toEqual(all);
    await expect(as(made.key).auditLog.list()).rejects.toMatchObject({ status: 401 });
  });
});
