import { lookup } from "node:dns";
import { createServer } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { configureStatusWebhooks, createApiKey } from "@herald/db";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { added } from "./audit-log-kit.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/** A resolver answering `name` with 127.0.0.1, and other names as `dns.lookup` does. */
const towardsLoopback =
  (name: string): LookupFunction =>
  (hostname, options, callback) => {
    if (hostname !== name) return lookup(hostname, options, callback);
    if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  };

let api: TestApi;
beforeAll(async () => {
  // The receivers below listen on loopback.
  api = await createTestApi({ WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true" });
});
afterAll(() => api?.close());

const create = (body: Record<string, unknown>) => api.call("POST", "/v1/webhook-endpoints", body);

/** A receiver on loopback answering `status`, keeping what it got. */
async function receiver(status: number) {
  const got: { raw: string; headers: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        raw: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers as Record<string, string>,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("/v1/webhook-endpoints", () => {
  it("creates an endpoint with a whsec_ secret shown once, default statuses, and lists it without the secret", async () => {
    const res = await create({ url: "https://orders.example.com/herald", description: "orders" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^whe_[0-9a-z]{26}$/),
      source: "api",
      url: "https://orders.example.com/herald",
      description: "orders",
      enabled: true,
      statuses: [
        "SENT",
        "DELIVERED",
        "READ",
        "FAILED",
        "DEAD",
        "BOUNCED",
        "COMPLAINED",
        "SUPPRESSED",
        "CANCELED",
      ],
      delivery: { waiting: 0, failingSince: null, lastError: null, failedAttempts: 0, rejectedChanges: 0 },
    });
    const { secret, id } = res.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The recording switch the notifications triggers read names it.
    const [setting] = await api.db.sql`select value from settings where key = 'webhook_endpoints'`;
    expect(JSON.stringify(setting?.value)).toContain(id);

    const one = await api.call("GET", `/v1/webhook-endpoints/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    const list = await api.call("GET", "/v1/webhook-endpoints");
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it("refuses bad input with 4xx in the error shape, and creates nothing", async () => {
    const before = (await api.call("GET", "/v1/webhook-endpoints")).body.data.length;
    const cases: [unknown, number][] = [
      [{ url: "ftp://example.com/x" }, 422],
      [{ url: "not a url" }, 422],
      [{ url: "https://example.com", statuses: [] }, 422],
      [{ url: "https://example.com", statuses: ["SENT", "SENT"] }, 422],
      [{ url: "https://example.com", statuses: ["NOPE"] }, 422],
      [{ url: "https://example.com", secret: "whsec_mine" }, 422],
      [{}, 422],
      ["{not json", 400],
    ];
    for (const [body, status] of cases) {
      const res = await create(body as Record<string, unknown>);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error).toMatchObject({
        code: expect.any(String),
        requestId: expect.stringMatching(/^req_/),
      });
    }
    expect((await api.call("GET", "/v1/webhook-endpoints")).body.data.length).toBe(before);
    const { id } = (await create({ url: "https://example.com/p" })).body;
    expect((await api.call("PATCH", `/v1/webhook-endpoints/${id}`, {})).status).toBe(422);
    expect(
      (await api.call("PATCH", `/v1/webhook-endpoints/${id}`, { url: "javascript:alert(1)" })).status,
    ).toBe(422);
    expect((await api.call("GET", "/v1/webhook-endpoints/whe_nope")).status).toBe(404);
    expect((await api.call("DELETE", "/v1/webhook-endpoints/whe_nope")).status).toBe(404);
  });

  it("is admin only: a read key gets 403", async () => {
    const { key } = await createApiKey(api.deps.db, { name: "reader", scopes: ["read"] });
    const as = { authorization: `Bearer ${key}` };
    expect((await api.call("GET", "/v1/webhook-endpoints", undefined, as)).status).toBe(403);
    expect((await api.call("POST", "/v1/webhook-endpoints", { url: "https://x.example" }, as)).status).toBe(
      403,
    );
  });

  it("updates statuses, description and enabled; disabling takes it out of the recording switch", async () => {
    const { id } = (await create({ url: "https://a.example/h", statuses: ["SENT"] })).body;
    const res = await api.call("PATCH", `/v1/webhook-endpoints/${id}`, {
      statuses: ["DELIVERED", "READ"],
      description: "renamed",
      enabled: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      statuses: ["DELIVERED", "READ"],
      description: "renamed",
      enabled: false,
    });
    const [setting] = await api.db.sql`select value from settings where key = 'webhook_endpoints'`;
    expect(JSON.stringify(setting?.value ?? null)).not.toContain(id);
  });

  it("records create, update, rotate and delete in the audit log, without the URL or the secret", async () => {
    let id = "";
    const secrets: string[] = [];
    const rows = await added(api, async () => {
      const made = await create({ url: "https://token.example/h?token=s3cr3t" });
      id = made.body.id;
      secrets.push(made.body.secret);
      await api.call("PATCH", `/v1/webhook-endpoints/${id}`, { enabled: false });
      secrets.push((await api.call("POST", `/v1/webhook-endpoints/${id}/rotate-secret`)).body.secret);
      await api.call("DELETE", `/v1/webhook-endpoints/${id}`);
    });
    expect(rows.map((r) => [r.action, r.target_type, r.target_id, r.outcome])).toEqual([
      ["webhook_endpoint.create", "webhook_endpoint", id, "success"],
      ["webhook_endpoint.update", "webhook_endpoint", id, "success"],
      ["webhook_endpoint.rotate_secret", "webhook_endpoint", id, "success"],
      ["webhook_endpoint.delete", "webhook_endpoint", id, "success"],
    ]);
    expect(rows[1]!.details).toMatchObject({ changed: ["enabled"], enabled: false });
    expect(rows[3]!.details).toEqual({ droppedChanges: 0, pendingDrop: false });
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain("s3cr3t");
    expect(dump).not.toContain("whsec_");
    expect(secrets).toHaveLength(2);
    for (const s of secrets) expect(dump).not.toContain(s.slice(6));
  });

  it("rotates: a new secret, the previous one valid for 24 h; test pings carry both signatures", async () => {
    const r = await receiver(204);
    try {
      const made = (await create({ url: r.url })).body;
      const rotated = await api.call("POST", `/v1/webhook-endpoints/${made.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(made.secret);
      const grace = Date.parse(rotated.body.previousSecretValidUntil) - Date.now();
      expect(grace).toBeGreaterThan(23.9 * 3_600_000);
      expect(grace).toBeLessThan(24.1 * 3_600_000);

      const ping = await api.call("POST", `/v1/webhook-endpoints/${made.id}/test`);
      expect(ping.status).toBe(200);
      expect(ping.body).toMatchObject({
        ok: true,
        status: 204,
        error: null,
        webhookId: expect.stringMatching(/^whp_/),
      });
      expect(r.got).toHaveLength(1);
      const { raw, headers } = r.got[0]!;
      expect(JSON.parse(raw)).toMatchObject({ type: "herald.ping", data: { endpointId: made.id } });
      expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
      // Either secret verifies it on its own.
      for (const s of [made.secret, rotated.body.secret])
        expect(() => new Webhook(s).verify(raw, headers)).not.toThrow();
    } finally {
      await r.close();
    }
  });

  it("test reports the receiver's refusal or its absence, not as an API error", async () => {
    const r = await receiver(500);
    const { id } = (await create({ url: r.url })).body;
    const refused = await api.call("POST", `/v1/webhook-endpoints/${id}/test`);
    expect(refused.body).toMatchObject({ ok: false, status: 500, error: "answered 500" });
    await r.close();
    const gone = await api.call("POST", `/v1/webhook-endpoints/${id}/test`);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ ok: false, status: null, error: "unreachable: ECONNREFUSED" });
  });

  it("lists STATUS_WEBHOOK_URL read-only as whe_env: no update, delete, rotate or test", async () => {
    await configureStatusWebhooks(api.deps.db, ["SENT"], "https://env.example/path?token=t0k3n");
    try {
      const list = (await api.call("GET", "/v1/webhook-endpoints")).body.data;
      expect(list[0]).toMatchObject({
        id: "whe_env",
        source: "env",
        url: "https://env.example",
        statuses: ["SENT"],
      });
      expect(JSON.stringify(list)).not.toContain("t0k3n");
      expect((await api.call("GET", "/v1/webhook-endpoints/whe_env")).status).toBe(200);
      for (const [method, path, body] of [
        ["PATCH", "/v1/webhook-endpoints/whe_env", { enabled: false }],
        ["DELETE", "/v1/webhook-endpoints/whe_env", undefined],
        ["POST", "/v1/webhook-endpoints/whe_env/rotate-secret", undefined],
        ["POST", "/v1/webhook-endpoints/whe_env/test", undefined],
      ] as const) {
        const res = await api.call(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(409);
        expect(res.body.error.message).toContain("STATUS_WEBHOOK_URL");
      }
    } finally {
      await configureStatusWebhooks(api.deps.db, null);
    }
  });

  it("deletes an endpoint with the changes waiting for it, and no other endpoint's", async () => {
    const keep = (await create({ url: "https://keep.example/h" })).body.id;
    const drop = (await create({ url: "https://drop.example/h" })).body.id;
    await api.db.sql`insert into status_webhook_changes (endpoint_id, notification_id, status)
      values (${keep}, 'ntf_d1', 'SENT'), (${drop}, 'ntf_d1', 'SENT'), (${drop}, 'ntf_d2', 'SENT')`;
    expect((await api.call("GET", `/v1/webhook-endpoints/${drop}`)).body.delivery.waiting).toBe(2);
    const res = await api.call("DELETE", `/v1/webhook-endpoints/${drop}`);
    expect(res.status).toBe(200);
    expect(res.body.delivery.waiting).toBe(2);
    const left = await api.db.sql`select endpoint_id from status_webhook_changes`;
    expect(left.map((r) => r.endpoint_id)).toEqual([keep]);
    expect((await api.call("GET", `/v1/webhook-endpoints/${drop}`)).status).toBe(404);
    await api.db.sql`truncate status_webhook_changes`;
  });
});

describe("/v1/webhook-endpoints with WEBHOOK_ALLOW_PRIVATE_ENDPOINTS off (the default)", () => {
  let strict: TestApi;
  beforeAll(async () => {
    // `hooks.example.com` resolves to loopback here, as a public-looking name whose DNS points
    // inwards (or was changed to, after the URL was checked) would; other names resolve as usual.
    strict = await createTestApi({}, { webhookResolve: towardsLoopback("hooks.example.com") });
  });
  afterAll(() => strict?.close());

  it("refuses non-public hosts on create, on update and for a test ping of one stored while allowed (422, on url)", async () => {
    for (const url of [
      "http://127.0.0.1:6379/",
      "http://169.254.169.254/latest/meta-data/",
      "http://localhost:8080/hook",
      "http://[::1]/hook",
      "https://10.0.0.7/hook",
      "http://intranet/hook",
      "https://hooks.internal/x",
    ]) {
      const res = await strict.call("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details[0]).toMatchObject({ path: "url" });
      expect(res.body.error.details[0].message).toMatch(/^must be a public address: /);
    }
    const ok = await strict.call("POST", "/v1/webhook-endpoints", { url: "https://orders.example.com/hook" });
    expect(ok.status).toBe(201);
    const moved = await strict.call("PATCH", `/v1/webhook-endpoints/${ok.body.id}`, {
      url: "http://127.0.0.1/",
    });
    expect(moved.status).toBe(422);
    expect((await strict.call("GET", `/v1/webhook-endpoints/${ok.body.id}`)).body.url).toBe(
      "https://orders.example.com/hook",
    );
    // Stored directly, as one created while the switch was on would be.
    await strict.db.sql`update webhook_endpoints set url = 'http://127.0.0.1:9/' where id = ${ok.body.id}`;
    const ping = await strict.call("POST", `/v1/webhook-endpoints/${ok.body.id}/test`);
    expect(ping.status).toBe(422);
  });

  it("pings no receiver on loopback: not at localhost (the URL's text), nor at a name that resolves there (the address connected to)", async () => {
    const r = await receiver(204);
    try {
      const port = new URL(r.url).port;
      const { id } = (
        await strict.call("POST", "/v1/webhook-endpoints", { url: "https://orders.example.com/" })
      ).body;
      const store = (url: string) =>
        strict.db.sql`update webhook_endpoints set url = ${url} where id = ${id}`;
      const ping = () => strict.call("POST", `/v1/webhook-endpoints/${id}/test`);

      await store(`http://localhost:${port}/hook`);
      const local = await ping();
      expect(local.status).toBe(422);
      expect(local.body.error.details[0].message).toBe(
        "must be a public address: localhost is this machine (localhost)",
      );

      // A name the URL check lets through: refused once resolved, as the ping connects.
      await store(`http://hooks.example.com:${port}/hook`);
      const named = await ping();
      expect(named.status).toBe(200);
      expect(named.body).toMatchObject({
        ok: false,
        status: null,
        error: "unreachable: hooks.example.com resolves to a non-public address (127.0.0.1, loopback)",
      });
      expect(r.got).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
