import { addressHash, insertEvents, markEventsFailed } from "@herald/db";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { added, asSession, auditRows, keyWith } from "./audit-log-kit.ts";
import { createTestAccounts, type Signed, signInAs, TEST_ADMIN, TEST_SUPPORT } from "./dashboard-session.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * What the audit log records: every operator action with its actor and
 * target, by API key and by dashboard session; 403 attempts; not the apps'
 * own traffic; no personal data in `details`.
 */
let api: TestApi;
let ops: Awaited<ReturnType<typeof keyWith>>;
let admin: Signed;
let support: Signed;
let adminId: string;
let supportId: string;

beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
  ops = await keyWith(api, "ops-console", ["admin"]);
  admin = await signInAs(api, TEST_ADMIN);
  support = await signInAs(api, TEST_SUPPORT);
  const ids = await api.db.sql<{ id: string; email: string }[]>`select id, email from dashboard_users`;
  adminId = ids.find((a) => a.email === TEST_ADMIN.email)!.id;
  supportId = ids.find((a) => a.email === TEST_SUPPORT.email)!.id;
});
afterAll(() => api?.close());

/** A request with the ops key; its answer and request id. */
const byKey = (method: string, path: string, body?: unknown, key = ops) =>
  api.call(method, path, body, key.auth);

const viaKey = () => ({ actor_via: "api_key", actor_id: ops.id, actor_name: "ops-console" });
const viaAdmin = () => ({ actor_via: "dashboard", actor_id: adminId, actor_name: TEST_ADMIN.email });

/** Runs one request and expects exactly one entry, matching `expected`, with the answer's request id. */
async function one(
  send: () => Promise<{ status: number; headers: Headers; body: any }>,
  status: number,
  expected: Record<string, unknown>,
) {
  let res!: Awaited<ReturnType<typeof send>>;
  const rows = await added(api, async () => {
    res = await send();
  });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ ...expected, status, request_id: res.headers.get("x-request-id") });
  return { row: rows[0]!, res };
}

const order = (userId: string) => ({ type: "order_placed", userId, data: catalog.order_placed.example });

async function deadLetter(userId: string) {
  const { notification } = await seedNotification(api.deps.db, userId, {
    channel: "email",
    status: "DEAD",
    recipient: { email: `${userId}@example.com` },
  });
  return notification.id;
}

describe("operator actions through an API key", () => {
  it("API keys: create, rotate, revoke, each with the key as target", async () => {
    const created = await one(() => byKey("POST", "/v1/api-keys", { name: "ci", scopes: ["read"] }), 201, {
      ...viaKey(),
      action: "api_key.create",
      outcome: "success",
    });
    const keyId = created.res.body.id;
    expect(created.row).toMatchObject({ target_type: "api_key", target_id: keyId });
    expect(created.row.details).toEqual({ name: "ci", scopes: ["read"], environment: "live" });
    // The secret is answered once and recorded nowhere.
    expect(JSON.stringify(created.row)).not.toContain(created.res.body.key);

    const rotated = await one(() => byKey("POST", `/v1/api-keys/${keyId}/rotate`, {}), 201, {
      action: "api_key.rotate",
      target_id: keyId,
    });
    expect(rotated.row.details).toEqual({ newKeyId: rotated.res.body.id, graceSeconds: 0 });
    await one(() => byKey("DELETE", `/v1/api-keys/${rotated.res.body.id}`), 200, {
      ...viaKey(),
      action: "api_key.revoke",
      target_type: "api_key",
      target_id: rotated.res.body.id,
    });
  });

  it("suppressions of a user's address and of an address: added and lifted, never naming the address", async () => {
    await byKey("PUT", "/v1/users/sup-sue", { email: "sue.audit@example.com", phone: "+14155550199" });
    const add = await one(() => byKey("POST", "/v1/users/sup-sue/suppressions", { channel: "sms" }), 201, {
      ...viaKey(),
      action: "suppression.add",
      target_type: "user",
      target_id: "sup-sue",
    });
    expect(add.row.details).toEqual({ channel: "sms", created: true, reason: "manual" });
    await one(() => byKey("DELETE", "/v1/users/sup-sue/suppressions/sms"), 200, {
      action: "suppression.lift",
      target_id: "sup-sue",
      details: { channel: "sms", reason: "manual" },
    });

    const address = { channel: "email", address: "Gone.Away@example.com" };
    const target = { target_type: "address", target_id: `email:${addressHash("email", address.address)}` };
    const byAddress = await one(() => byKey("POST", "/v1/suppressions", address), 201, {
      action: "suppression.add",
      ...target,
    });
    await one(() => byKey("POST", "/v1/suppressions/lift", address), 200, {
      action: "suppression.lift",
      ...target,
    });
    expect(JSON.stringify(byAddress.row).toLowerCase()).not.toContain("gone.away");
  });

  it("dead letters: retry and discard one, retry all matching with the filter and the count", async () => {
    const [a, b, c] = [await deadLetter("dl-ann"), await deadLetter("dl-ann"), await deadLetter("dl-bob")];
    await one(() => byKey("POST", `/v1/dead-letters/${a}/retry`), 202, {
      ...viaKey(),
      action: "dead_letter.retry",
      target_type: "notification",
      target_id: a,
    });
    await one(() => byKey("DELETE", `/v1/dead-letters/${c}`), 200, {
      action: "dead_letter.discard",
      target_id: c,
    });
    const all = await one(
      () => byKey("POST", "/v1/dead-letters/retry", { userId: "dl-ann", channel: "email", limit: 10 }),
      202,
      { action: "dead_letter.retry_all", target_type: "user", target_id: "dl-ann" },
    );
    // The user id is the target (renamed when the user is erased), not a detail.
    expect(all.row.details).toEqual({ filter: { channel: "email" }, limit: 10, retried: 1, more: false });
    expect(all.res.body.ids).toEqual([b]);
    const everyone = await one(() => byKey("POST", "/v1/dead-letters/retry", {}), 202, {
      action: "dead_letter.retry_all",
      target_type: null,
      target_id: null,
    });
    expect(everyone.row.details).toEqual({ filter: {}, limit: 1000, retried: 0, more: false });
  });

  it("events: cancel and retry; topics: delete; tokens: revoke", async () => {
    const trigger = await byKey("POST", "/v1/events", order("ev-eve"));
    expect(trigger.status).toBe(202);
    const eventId = trigger.body.eventId;
    await one(() => byKey("DELETE", `/v1/events/${eventId}`), 200, {
      ...viaKey(),
      action: "event.cancel",
      target_type: "event",
      target_id: eventId,
    });
    const [failed] = await insertEvents(api.deps.db, [
      { type: "order_placed", userId: "ev-eve", data: {}, priority: "normal" },
    ]);
    await markEventsFailed(api.deps.db, [failed!.event.id], "no such template");
    await one(() => byKey("POST", `/v1/events/${failed!.event.id}/retry`), 202, {
      action: "event.retry",
      target_id: failed!.event.id,
    });

    expect(
      (await byKey("POST", "/v1/topics/news.audit/subscribers", { subscribers: ["ev-eve"] })).status,
    ).toBe(200);
    await one(() => byKey("DELETE", "/v1/topics/news.audit"), 204, {
      action: "topic.delete",
      target_type: "topic",
      target_id: "news.audit",
      details: { subscribers: 1 },
    });
    await one(() => byKey("POST", "/v1/users/ev-eve/token/revoke"), 200, {
      action: "user_tokens.revoke",
      target_type: "user",
      target_id: "ev-eve",
    });
  });

  it("records nothing of the apps' own traffic: events, user upserts, devices, subscriptions, preferences", async () => {
    const app = await keyWith(api, "order-service", ["events:write", "users:write", "read"]);
    const rows = await added(api, async () => {
      const calls: [string, string, unknown][] = [
        ["PUT", "/v1/users/app-amy", { email: "amy@example.com" }],
        ["POST", "/v1/events", order("app-amy")],
        ["POST", "/v1/events/batch", { events: [order("app-amy")] }],
        ["POST", "/v1/users/batch", { users: [{ userId: "app-bo", email: "bo@example.com" }] }],
        ["PUT", "/v1/users/app-amy/preferences", { channels: { sms: false } }],
        ["POST", "/v1/users/app-amy/devices", { kind: "fcm", token: "fcm-token-1" }],
        ["POST", "/v1/topics/app.news/subscribers", { subscribers: ["app-amy"] }],
        ["GET", "/v1/users/app-amy/inbox", undefined],
      ];
      for (const [method, path, body] of calls) {
        const res = await byKey(method, path, body, app);
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      }
    });
    expect(rows).toEqual([]);
  });

  it("records a key's attempt refused for lack of scope (403), not a request refused as invalid (422)", async () => {
    const reader = await keyWith(api, "reporting", ["read"]);
    const refused = await one(() => byKey("DELETE", "/v1/users/ev-eve", undefined, reader), 403, {
      actor_via: "api_key",
      actor_id: reader.id,
      action: "user.erase",
      target_id: "ev-eve",
      outcome: "forbidden",
    });
    expect(refused.row.details.refused).toMatch(/lacks the "users:write" scope/);
    const invalid = await added(api, () => byKey("POST", "/v1/api-keys", { name: "", scopes: [] }));
    expect(invalid).toEqual([]);
  });

  it("erasing a user renames every entry about them to the tombstone, the erase's own included", async () => {
    await byKey("PUT", "/v1/users/erin@example.com", { email: "erin@example.com" });
    await byKey("POST", `/v1/users/${encodeURIComponent("erin@example.com")}/token/revoke`);
    const erase = await one(
      () => byKey("DELETE", `/v1/users/${encodeURIComponent("erin@example.com")}`),
      204,
      {
        ...viaKey(),
        action: "user.erase",
        target_type: "user",
        outcome: "success",
      },
    );
    expect(erase.row.target_id).toMatch(/^erased:usr_/);
    const rows = await auditRows(api);
    expect(JSON.stringify(rows)).not.toContain("erin@");
    expect(rows.filter((r) => r.target_id === erase.row.target_id).map((r) => r.action)).toEqual([
      "user_tokens.revoke",
      "user.erase",
    ]);
  });
});

describe("a dashboard session", () => {
  it("records sign-in, contact edits (the fields, never the values), preferences, sign-out", async () => {
    const rows = await added(api, async () => {
      admin = await signInAs(api, TEST_ADMIN);
    });
    expect(rows).toMatchObject([
      { ...viaAdmin(), action: "dashboard_session.sign_in", details: { role: "admin" } },
    ]);

    await byKey("PUT", "/v1/users/ed-dash", { email: "old.ed@example.com", phone: "+14155550100" });
    const edit = await one(
      () => asSession(api, admin, "PUT", "/v1/users/ed-dash", { email: "new.ed@example.com", locale: "fr" }),
      200,
      { ...viaAdmin(), action: "user.update", target_type: "user", target_id: "ed-dash", outcome: "success" },
    );
    expect(edit.row.details).toEqual({ fields: ["email", "locale"] });
    expect(JSON.stringify(edit.row)).not.toMatch(/new\.ed|old\.ed|4155550100/);

    const prefs = { channels: { email: false }, categories: { marketing: { enabled: false } } };
    await one(() => asSession(api, admin, "PUT", "/v1/users/ed-dash/preferences", prefs), 200, {
      action: "preferences.update",
      target_id: "ed-dash",
      details: { changes: prefs },
    });

    const out = await signInAs(api, TEST_ADMIN);
    await one(() => asSession(api, out, "DELETE", "/v1/dashboard/session"), 200, {
      ...viaAdmin(),
      action: "dashboard_session.sign_out",
    });
  });

  it("records dashboard account changes, never a password", async () => {
    const created = await one(
      () =>
        asSession(api, admin, "POST", "/v1/dashboard/accounts", {
          email: "lin@example.com",
          password: "a long first password",
          role: "support",
        }),
      201,
      { ...viaAdmin(), action: "dashboard_account.create", target_type: "dashboard_account" },
    );
    expect(created.row.target_id).toBe(created.res.body.id);
    const changed = await one(
      () =>
        asSession(api, admin, "PATCH", `/v1/dashboard/accounts/${created.res.body.id}`, {
          role: "admin",
          password: "another long password",
        }),
      200,
      { action: "dashboard_account.update", target_id: created.res.body.id },
    );
    expect(changed.row.details).toEqual({ role: "admin", password: "changed" });
    expect(JSON.stringify([created.row, changed.row])).not.toContain("long");
  });

  it("records support's attempts at admin actions as forbidden", async () => {
    await one(() => asSession(api, support, "DELETE", `/v1/api-keys/${ops.id}`), 403, {
      actor_via: "dashboard",
      actor_id: supportId,
      actor_name: TEST_SUPPORT.email,
      action: "api_key.revoke",
      target_id: ops.id,
      outcome: "forbidden",
    });
    const dead = await deadLetter("dl-sam");
    await one(() => asSession(api, support, "POST", `/v1/dead-letters/${dead}/retry`), 403, {
      actor_id: supportId,
      action: "dead_letter.retry",
      target_id: dead,
      outcome: "forbidden",
    });
  });

  it("records every other mutating call: declared ones by name, any other as `request`", async () => {
    const { notification } = await seedNotification(api.deps.db, "ed-dash", {
      channel: "sms",
      status: "QUEUED",
    });
    await one(() => asSession(api, admin, "DELETE", `/v1/notifications/${notification.id}`), 200, {
      ...viaAdmin(),
      action: "notification.cancel",
      target_type: "notification",
      target_id: notification.id,
    });
    // The same cancel through an app's key is the app's own business.
    const other = await seedNotification(api.deps.db, "ed-dash", { channel: "sms", status: "QUEUED" });
    expect(await added(api, () => byKey("DELETE", `/v1/notifications/${other.notification.id}`))).toEqual([]);

    // Routes without a declaration of their own: events are the apps' hot path.
    await one(() => asSession(api, admin, "POST", "/v1/events", order("ed-dash")), 202, {
      ...viaAdmin(),
      action: "request",
      target_id: null,
      details: { method: "POST", route: "/v1/events" },
    });
    // Reads are not recorded.
    expect(await added(api, () => asSession(api, admin, "GET", "/v1/users/ed-dash"))).toEqual([]);
  });
});
