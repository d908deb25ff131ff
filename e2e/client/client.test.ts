import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HeraldApiError, Herald as HeraldClient, HeraldNetworkError } from "@herald/client";
import { freePort } from "@herald/devstack";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
let client: HeraldClient;
beforeAll(async () => {
  herald = await startHerald();
  client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url, retryDelayMs: 20 });
});
afterAll(() => herald.close());

const subscription = {
  endpoint: "https://push.example.test/send/client-e2e",
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
};

/**
 * A loopback proxy in front of Herald that forwards every request but cuts the
 * connection instead of answering the first `drops` times: the worst kind of
 * network error, where Herald did the work and the caller never heard.
 */
async function flakyProxy(target: string, drops: number) {
  const seen: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push(body);
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method!,
      headers: { authorization: req.headers.authorization!, "content-type": "application/json" },
      ...(body ? { body } : {}),
    });
    const text = await upstream.text();
    if (seen.length <= drops) {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("@herald/client against a running Herald", () => {
  it("registers a user and device, triggers, reads the event and its notifications", async () => {
    const user = await client.users.upsert("cli-ada", { email: "ada@example.com", phone: "+14155550100" });
    expect(user.userId).toBe("cli-ada");
    const device = await client.devices.register("cli-ada", { kind: "webpush", subscription });
    expect(device.id).toMatch(/^dev_/);
    const prefs = await client.preferences.update("cli-ada", { channels: { push: true } });
    expect(prefs.channels).toEqual({ push: true });

    const { eventId, replayed, idempotencyKey } = await client.events.trigger({
      type: "order_placed",
      userId: "cli-ada",
      data: catalog.order_placed.example,
    });
    expect(replayed).toBe(false);
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const event = await eventually(async () => {
      const e = await client.events.get(eventId);
      return e.notifications.length === 4 && e.notifications.every((n) => n.status === "SENT") ? e : null;
    });
    expect(event.notifications.map((n) => n.channel).sort()).toEqual(["email", "in_app", "push", "sms"]);

    const page = await client.notifications.list({ userId: "cli-ada", limit: 3 });
    expect(page.data).toHaveLength(3);
    const all = [];
    for await (const n of client.notifications.listAll({ userId: "cli-ada", limit: 1 })) all.push(n);
    expect(all).toHaveLength(4);
    const one = await client.notifications.get(all[0]!.id);
    expect(one.timeline.map((t) => t.status)).toContain("SENT");
    // Already sent: the API's 409 arrives as a typed error.
    await expect(client.notifications.cancel(one.id)).rejects.toMatchObject({
      status: 409,
      code: "conflict",
    });

    const again = await client.events.trigger({
      type: "order_placed",
      userId: "cli-ada",
      data: catalog.order_placed.example,
      idempotencyKey,
    });
    expect(again).toEqual({ eventId, replayed: true, idempotencyKey });

    const batch = await client.events.batch([
      { type: "weekly_promo", userId: "cli-ada", data: catalog.weekly_promo.example },
      { type: "payment_failed", userId: "cli-ada", data: catalog.payment_failed.example },
    ]);
    expect(batch.accepted).toBe(2);

    await client.devices.remove("cli-ada", device.id);
    expect((await client.users.get("cli-ada")).devices).toEqual([]);
    const plain = await client.users.token("cli-ada");
    expect(plain).toEqual({
      userId: "cli-ada",
      token: expect.stringMatching(/^[0-9a-f]{64}$/),
      expiresAt: null,
    });
    const expiring = await client.users.token("cli-ada", { expiresIn: "1h" });
    expect(expiring.token).toMatch(/^v2\./);
    expect(Date.parse(expiring.expiresAt!)).toBeGreaterThan(Date.now() + 3_500_000);
    expect((await client.users.revokeTokens("cli-ada")).revokedBefore).toEqual(expect.any(String));
    const exported = await client.users.export("cli-ada");
    expect(exported.user).toMatchObject({ userId: "cli-ada", email: "ada@example.com" });
    expect(exported.events.map((e) => e.type).sort()).toEqual([
      "order_placed",
      "payment_failed",
      "weekly_promo",
    ]);
    expect(exported.notifications.filter((n) => n.eventId === eventId)).toHaveLength(4);
    await client.users.erase("cli-ada");
    await expect(client.users.get("cli-ada")).rejects.toBeInstanceOf(HeraldApiError);
    await expect(client.users.export("cli-ada")).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("surfaces validation errors with code, field details and request id", async () => {
    const err = await client.events
      .trigger({
        type: "order_placed",
        userId: "x",
        data: { ...catalog.order_placed.example, total: "x" },
      } as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(HeraldApiError);
    expect(err).toMatchObject({ status: 422, code: "invalid_data" });
    expect(err.details[0].path).toBe("data.total");
    expect(err.requestId).toMatch(/^req_/);
  });

  it("retries after a dropped connection with the same idempotency key: one event, not two", async () => {
    const proxy = await flakyProxy(herald.url, 2);
    try {
      const flaky = new HeraldClient({ apiKey: herald.apiKey, baseUrl: proxy.url, retryDelayMs: 20 });
      const result = await flaky.events.trigger({
        type: "payment_failed",
        userId: "cli-retry",
        data: catalog.payment_failed.example,
      });
      expect(proxy.seen).toHaveLength(3);
      const keys = proxy.seen.map((b) => JSON.parse(b).idempotencyKey);
      expect(new Set(keys)).toEqual(new Set([result.idempotencyKey]));
      // Herald did the work on the first attempt; the retries were answered from it.
      expect(result.replayed).toBe(true);
      const rows = await herald.db.sql`select id from events where user_id = 'cli-retry'`;
      expect(rows.map((r) => r.id)).toEqual([result.eventId]);
    } finally {
      await proxy.close();
    }
  });

  it("gives up with a HeraldNetworkError after its retries when Herald is unreachable", async () => {
    let attempts = 0;
    const port = await freePort();
    const offline = new HeraldClient({
      apiKey: herald.apiKey,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 2,
      retryDelayMs: 5,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    await expect(offline.notifications.list()).rejects.toBeInstanceOf(HeraldNetworkError);
    expect(attempts).toBe(3);
  });
  it("subscribes 1,500 users to a topic in pages, triggers one event to it, and reads the fan-out", async () => {
    const key = `client-e2e-${Date.now()}`;
    const users = Array.from({ length: 1500 }, (_, i) => `cli-topic-${i}`);
    const first = await client.topics.subscribe(key, users);
    expect(first).toEqual({ topic: key, added: 1500 });
    // Subscribing again adds nobody; removing one is counted once.
    expect((await client.topics.subscribe(key, users.slice(0, 1200))).added).toBe(0);
    expect(await client.topics.unsubscribe(key, [users[0]!, "cli-topic-never"])).toEqual({ removed: 1 });
    expect((await client.topics.get(key)).subscriberCount).toBe(1499);
    const page = await client.topics.subscribers(key, { limit: 10 });
    expect(page.data).toHaveLength(10);
    expect(page.nextCursor).toEqual(expect.any(String));
    const everyone = new Set<string>();
    for await (const s of client.topics.allSubscribers(key, { limit: 1000 })) everyone.add(s.userId);
    expect(everyone.size).toBe(1499);
    expect(everyone.has(users[0]!)).toBe(false);

    const { eventId } = await client.events.trigger({
      type: "payment_failed",
      topic: key,
      data: { amount: 12, currency: "EUR", reason: "card expired" },
      channels: ["in_app"],
    });
    const event = await eventually(async () => {
      const e = await client.events.get(eventId);
      expect(e.status).toBe("routed");
      return e;
    }, 45_000);
    expect(event.topic).toBe(key);
    expect(event.fanout).toMatchObject({ recipients: 1499, notifications: 1499 });
  }, 60_000);
});
