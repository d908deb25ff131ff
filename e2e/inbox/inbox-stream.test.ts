import { loadApiEnv, type RunningApi, startApi } from "@herald/api";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, openSse, type SseClient, sendInAppOrder, startHerald } from "../harness/index.ts";

let herald: Herald;
let second: RunningApi;
const clients: SseClient[] = [];

beforeAll(async () => {
  herald = await startHerald({ workerEnv: { WORKER_CHANNELS: "events,in_app" } });
  // A second API process on the same database and Redis: streams must work through either.
  second = await startApi(
    loadApiEnv({
      DATABASE_URL: herald.db.url,
      REDIS_URL: herald.redisUrl,
      QUEUE_PREFIX: herald.prefix,
      MIGRATE_ON_START: "false",
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
    }),
  );
});
afterAll(async () => {
  for (const c of clients) c.close();
  await second.close();
  await herald.close();
});

async function tokenOf(userId: string): Promise<string> {
  return (await herald.call("GET", `/v1/users/${userId}/token`)).body.token;
}

async function connect(base: string, userId: string, token: string, lastEventId?: string) {
  const client = await openSse(
    `${base}/v1/users/${userId}/inbox/stream?token=${token}`,
    lastEventId ? { "last-event-id": lastEventId } : {},
  );
  clients.push(client);
  expect(client.status).toBe(200);
  await client.waitFor((e) => e.event === "counts");
  return client;
}

const order = (userId: string, orderId: string) => sendInAppOrder(herald, userId, orderId);

const item = (e: { data: string }) => JSON.parse(e.data) as { id: string; title: string; sentAt: string };
const notifications = (c: SseClient) => c.events.filter((e) => e.event === "notification");
const titles = (c: SseClient) =>
  notifications(c)
    .map((e) => item(e).title)
    .sort();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("inbox stream (SSE)", () => {
  it("delivers each new in-app notification live, well within 100 ms of being sent", async () => {
    const token = await tokenOf("live");
    const client = await connect(herald.url, "live", token);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      await order("live", `L-${i}`);
      const e = await client.waitFor(
        (x) => x.event === "notification" && item(x).title === `Order L-${i} confirmed`,
      );
      latencies.push(e.receivedAt - Date.parse(item(e).sentAt));
    }
    console.info(
      `inbox SSE latency after SENT, ms: median ${median(latencies)}, all ${latencies.join(", ")}`,
    );
    expect(median(latencies)).toBeLessThan(100);
    // Every notification is followed by fresh counts.
    const counts = await client.waitFor((e) => e.event === "counts" && JSON.parse(e.data).total === 10);
    expect(JSON.parse(counts.data)).toEqual({ unread: 10, unseen: 10, total: 10 });
  });

  it("replays what a client missed when it reconnects with Last-Event-ID", async () => {
    const token = await tokenOf("replay");
    const first = await connect(herald.url, "replay", token);
    const start = first.lastEventId();
    expect(start).toBeDefined();
    await order("replay", "R-1");
    await first.waitFor((e) => e.event === "notification");
    const seen = first.lastEventId()!;
    first.close();

    await order("replay", "R-2");
    await order("replay", "R-3");
    await eventually(async () => {
      const feed = await herald.call("GET", "/v1/users/replay/inbox");
      return feed.body.data.length === 3;
    });

    const resumed = await connect(herald.url, "replay", token, seen);
    await eventually(() => notifications(resumed).length >= 2);
    // Sent concurrently by the workers, so in either order; exactly the two missed ones.
    expect(titles(resumed)).toEqual(["Order R-2 confirmed", "Order R-3 confirmed"]);

    // From the position given on the very first connect: everything since.
    const fromStart = await connect(second.url, "replay", token, start);
    await eventually(() => notifications(fromStart).length >= 3);
    expect(titles(fromStart)).toEqual(["Order R-1 confirmed", "Order R-2 confirmed", "Order R-3 confirmed"]);
  });

  it("works across API processes: events and count changes reach streams on every process", async () => {
    const token = await tokenOf("multi");
    const onFirst = await connect(herald.url, "multi", token);
    const onSecond = await connect(second.url, "multi", token);
    await order("multi", "M-1");
    const [a, b] = await Promise.all([
      onFirst.waitFor((e) => e.event === "notification"),
      onSecond.waitFor((e) => e.event === "notification"),
    ]);
    expect(item(a).id).toBe(item(b).id);
    await onFirst.waitFor((e) => e.event === "counts" && JSON.parse(e.data).unread === 1);

    // Read through the second process; the stream on the first sees it and the new count.
    const read = await fetch(`${second.url}/v1/users/multi/inbox/${item(a).id}/read`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    const readEvent = await onFirst.waitFor((e) => e.event === "read");
    expect(JSON.parse(readEvent.data)).toEqual({ ids: [item(a).id] });
    await onFirst.waitFor((e) => e.event === "counts" && JSON.parse(e.data).unread === 0);
  });

  it("ends open streams when an API process shuts down, so shutdown is not held up", async () => {
    const third = await startApi(
      loadApiEnv({
        DATABASE_URL: herald.db.url,
        REDIS_URL: herald.redisUrl,
        QUEUE_PREFIX: herald.prefix,
        MIGRATE_ON_START: "false",
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
      }),
    );
    const client = await connect(third.url, "leaving", await tokenOf("leaving"));
    const started = Date.now();
    await third.close();
    await client.ended;
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("takes an expiring token in the query string, and refuses it once revoked (401, before any stream)", async () => {
    const { token } = (await herald.call("GET", "/v1/users/expiring/token?expiresIn=10m")).body;
    expect(token).toMatch(/^v2\./);
    const client = await connect(herald.url, "expiring", token);
    await order("expiring", "X-1");
    await client.waitFor((e) => e.event === "notification" && item(e).title === "Order X-1 confirmed");
    expect((await herald.call("POST", "/v1/users/expiring/token/revoke")).status).toBe(200);
    const refused = await openSse(`${herald.url}/v1/users/expiring/inbox/stream?token=${token}`);
    clients.push(refused);
    expect(refused.status).toBe(401);
  });

  it("ends, on every API process, the streams whose token a revocation refuses, and only those", async () => {
    const plain = await tokenOf("cut");
    const early = (await herald.call("GET", "/v1/users/cut/token?expiresIn=10m")).body.token as string;
    const onSecond = await connect(second.url, "cut", plain);
    const onFirst = await connect(herald.url, "cut", early);
    const keyed = await openSse(`${herald.url}/v1/users/cut/inbox/stream`, {
      authorization: `Bearer ${herald.apiKey}`,
    });
    clients.push(keyed);
    await keyed.waitFor((e) => e.event === "counts");

    expect((await herald.call("POST", "/v1/users/cut/token/revoke")).status).toBe(200);
    const fresh = (await herald.call("GET", "/v1/users/cut/token?expiresIn=10m")).body.token as string;
    await Promise.all([onSecond.ended, onFirst.ended]);
    for (const c of [onSecond, onFirst]) expect(c.events.at(-1)?.event).toBe("token_revoked");

    // A stream opened with a token issued afterwards replays the revocation from its Last-Event-ID and stays,
    // as does the API key's.
    const renewed = await connect(second.url, "cut", fresh, onFirst.lastEventId());
    await order("cut", "C-1");
    for (const c of [renewed, keyed]) {
      await c.waitFor((e) => e.event === "notification" && item(e).title === "Order C-1 confirmed");
    }
    expect(renewed.events.map((e) => e.event)).not.toContain("token_revoked");
    expect(keyed.events.map((e) => e.event)).not.toContain("token_revoked");
  });

  it("ends the erased user's streams", async () => {
    expect((await herald.call("PUT", "/v1/users/gone", { email: "gone@example.com" })).status).toBe(200);
    const client = await connect(second.url, "gone", await tokenOf("gone"));
    expect((await herald.call("DELETE", "/v1/users/gone")).status).toBe(204);
    await client.ended;
    expect(client.events.at(-1)?.event).toBe("token_revoked");
  });

  it("keeps streams of different users apart", async () => {
    const mine = await connect(herald.url, "alice", await tokenOf("alice"));
    const theirs = await connect(herald.url, "bob", await tokenOf("bob"));
    await order("bob", "B-1");
    await theirs.waitFor((e) => e.event === "notification");
    await new Promise((r) => setTimeout(r, 200));
    expect(notifications(mine)).toEqual([]);
  });
});
