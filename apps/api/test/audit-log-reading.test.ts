import { insertAuditEntry, type NewAuditEntry, purgeAuditLog } from "@herald/db";
import { createLogger } from "@herald/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createAudit } from "../src/middleware/audited.ts";
import { createAuditWriter } from "../src/services/audit-writer.ts";
import { added, asSession, auditRows, keyWith } from "./audit-log-kit.ts";
import { createTestAccounts, signInAs, TEST_ADMIN, TEST_SUPPORT } from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * Reading the audit log (paging, filters, who may), what happens when an
 * entry cannot be written, and retention.
 */
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
});
afterAll(() => api?.close());

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T12:00:00Z");

const entry = (minutes: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: new Date(T0 + minutes * 60_000),
  actor: { via: "api_key", id: "key_a", name: "ops" },
  action: "user.update",
  target: { type: "user", id: "u-1" },
  outcome: "success",
  status: 200,
  requestId: `req_${minutes}`,
  clientIp: null,
  details: {},
  ...over,
});

const ids = (res: { body: { data: { requestId: string }[] } }) => res.body.data.map((e) => e.requestId);

describe("GET /v1/audit-log", () => {
  it("pages newest first and filters by actor, action (exact or prefix), target and time", async () => {
    await api.db.sql`delete from audit_log`;
    await insertAuditEntry(api.deps.db, entry(0));
    await insertAuditEntry(
      api.deps.db,
      entry(1, { action: "user.erase", target: { type: "user", id: "u-2" } }),
    );
    await insertAuditEntry(api.deps.db, entry(2, { actor: { via: "dashboard", id: "adm_b", name: "b@x" } }));
    await insertAuditEntry(api.deps.db, entry(3, { action: "api_key.revoke", target: null }));
    await insertAuditEntry(api.deps.db, entry(4, { action: "users.other" }));

    const first = await api.call("GET", "/v1/audit-log?limit=2");
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(["req_4", "req_3"]);
    expect(first.body.data[1]).toEqual({
      id: expect.stringMatching(/^aud_/),
      at: "2026-03-01T12:03:00.000Z",
      actor: { via: "api_key", id: "key_a", name: "ops" },
      action: "api_key.revoke",
      target: null,
      outcome: "success",
      status: 200,
      requestId: "req_3",
      clientIp: null,
      details: {},
    });
    const second = await api.call("GET", `/v1/audit-log?limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual(["req_2", "req_1"]);
    const last = await api.call("GET", `/v1/audit-log?limit=2&cursor=${second.body.nextCursor}`);
    expect(ids(last)).toEqual(["req_0"]);
    expect(last.body.nextCursor).toBeNull();

    const q = async (query: string) => ids(await api.call("GET", `/v1/audit-log?${query}`));
    expect(await q("actorId=adm_b")).toEqual(["req_2"]);
    expect(await q("action=user.erase")).toEqual(["req_1"]);
    // A prefix ends in a dot: `user.` is not `users.`.
    expect(await q("action=user.")).toEqual(["req_2", "req_1", "req_0"]);
    expect(await q("targetId=u-2")).toEqual(["req_1"]);
    expect(await q("since=2026-03-01T12:01:00Z&until=2026-03-01T12:03:00Z")).toEqual([
      "req_3",
      "req_2",
      "req_1",
    ]);
    expect(await q("action=user.&actorId=key_a&until=2026-03-01T12:00:59Z")).toEqual(["req_0"]);
    expect((await api.call("GET", "/v1/audit-log?action=user%25")).status).toBe(422);
    expect((await api.call("GET", "/v1/audit-log?cursor=nope")).status).toBe(400);
  });

  it("is for admins: support staff and keys without `admin` are refused", async () => {
    const support = await signInAs(api, TEST_SUPPORT);
    const refused = await asSession(api, support, "GET", "/v1/audit-log");
    expect(refused.status).toBe(403);
    const reader = await keyWith(api, "reader", ["read", "users:write", "events:write"]);
    expect((await api.call("GET", "/v1/audit-log", undefined, reader.auth)).status).toBe(403);
    const admin = await signInAs(api, TEST_ADMIN);
    expect((await asSession(api, admin, "GET", "/v1/audit-log")).status).toBe(200);
  });
});

describe("an entry that cannot be written", () => {
  it("neither fails the action nor waits for it: logged at error and counted", async () => {
    // An app whose audit writer logs into `lines`.
    const lines: { level: string; msg: string; action?: string }[] = [];
    const logger = createLogger({
      level: "info",
      destination: { write: (l: string) => lines.push(JSON.parse(l)) },
    });
    const auditWriter = createAuditWriter(api.deps.db, logger);
    const app = createApp({ ...api.deps, logger, auditWriter, audit: createAudit(auditWriter, 0) });
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    await call("PUT", "/v1/users/fail-fay", { email: "fay@example.com" });
    // Every insert now fails in PostgreSQL itself (a constraint no row meets, on new rows only).
    await api.db.sql`alter table audit_log add constraint audit_log_refuse check (false) not valid`;
    try {
      const res = await call("POST", "/v1/users/fail-fay/token/revoke");
      expect(res.status).toBe(200);
      await auditWriter.settled();
    } finally {
      await api.db.sql`alter table audit_log drop constraint audit_log_refuse`;
    }
    const failure = lines.find((l) => l.msg.startsWith("audit log write failed"));
    expect(failure).toMatchObject({ level: "error", action: "user_tokens.revoke" });
    const metrics = await app.request("/metrics");
    expect(await metrics.text()).toMatch(/herald_audit_log_writes_total\{outcome="failed"\} 1\n/);
    expect((await auditRows(api)).some((r) => r.action === "user_tokens.revoke")).toBe(false);
  });

  it("is written after the answer: a table locked by someone else does not hold the action up", async () => {
    await api.call("PUT", "/v1/users/slow-sol", { email: "sol@example.com" });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const taken = new Promise<void>((r) => {
      locked = r;
    });
    const holder = api.db.sql.begin(async (tx) => {
      await tx`lock table audit_log in access exclusive mode`;
      locked();
      await held;
    });
    await taken;
    let rows: Awaited<ReturnType<typeof auditRows>> = [];
    try {
      const started = performance.now();
      const res = await api.call("POST", "/v1/users/slow-sol/token/revoke");
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      release();
      await holder;
      rows = await auditRows(api);
    }
    // Once the lock is gone, the entry goes in.
    expect(rows.filter((r) => r.action === "user_tokens.revoke" && r.target_id === "slow-sol")).toHaveLength(
      1,
    );
  });
});

describe("retention", () => {
  it("deletes entries older than the cutoff, in batches, and keeps the rest", async () => {
    await api.db.sql`delete from audit_log`;
    const now = Date.now();
    for (let i = 0; i < 7; i++) {
      await insertAuditEntry(
        api.deps.db,
        entry(0, { at: new Date(now - (400 + i) * DAY), requestId: `old_${i}` }),
      );
    }
    await insertAuditEntry(api.deps.db, entry(0, { at: new Date(now - 300 * DAY), requestId: "kept_300d" }));
    await insertAuditEntry(api.deps.db, entry(0, { at: new Date(now), requestId: "kept_now" }));
    const result = await purgeAuditLog(api.deps.db, { cutoff: new Date(now - 365 * DAY), batchSize: 3 });
    expect(result).toEqual({ deleted: 7, complete: true });
    expect((await auditRows(api)).map((r) => r.request_id)).toEqual(["kept_300d", "kept_now"]);
    // Past its deadline it stops, saying so (the next run goes on).
    await insertAuditEntry(api.deps.db, entry(0, { at: new Date(now - 500 * DAY) }));
    expect(
      await purgeAuditLog(api.deps.db, { cutoff: new Date(now - 365 * DAY), deadline: new Date(now - 1) }),
    ).toEqual({ deleted: 0, complete: false });
  });

  it("a request in-process (no socket) has no client address; one through TRUST_PROXY has the forwarded one", async () => {
    const proxied = await createTestApi({ TRUST_PROXY: "1" });
    try {
      const rows = await added(proxied, () =>
        proxied.call("POST", "/v1/users/ip-ida/token/revoke", undefined, {
          "x-forwarded-for": "198.51.100.7, 2001:db8::42",
        }),
      );
      expect(rows).toMatchObject([{ action: "user_tokens.revoke", client_ip: "2001:db8::42" }]);
      const direct = await added(proxied, () => proxied.call("POST", "/v1/users/ip-ida/token/revoke"));
      expect(direct).toMatchObject([{ client_ip: null }]);
    } finally {
      await proxied.close();
    }
  });
});
