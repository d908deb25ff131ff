/**
 * A full send through real API and worker processes (all four channels via
 * the dev outbox) with every log level on; no e-mail address, phone number,
 * token or message body may appear in any line either process writes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { Herald as HeraldClient } from "@herald/client";
import { freePort } from "@herald/devstack";
import { ID_PREFIXES } from "@herald/ids";
import { catalog } from "@herald/templates";
import { eventually, type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
/**
 * Herald's own ids: their 26 base32 characters hold ten digits in a row about once in 13,000
 * ids, and a run of ten digits is what the phone-number check looks for.
 */
const HERALD_ID = new RegExp(`\\b(?:${Object.keys(ID_PREFIXES).join("|")})_[0-9a-hjkmnp-tv-z]{26}\\b`, "g");
const output: Record<"api" | "worker", string[]> = { api: [], worker: [] };
const children: ChildProcess[] = [];
let db: TestDatabase;
let url: string;
const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;

const EMAIL = "ada.lovelace@example.com";
const PHONE = "+14155550142";
const ENDPOINT = `https://push.example.test/send/endpoint${randomBytes(8).toString("hex")}`;
const P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
const AUTH = "tBHItJI5svbpez7KI4CCXg";
const FCM_TOKEN = `fcm${randomBytes(12).toString("hex")}`;
const RESET_TOKEN = `reset${randomBytes(10).toString("hex")}`;

function start(app: "api" | "worker", env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(repo, "apps", app, "src", "main.ts")], {
    cwd: resolve(repo, "apps", app),
    env: { ...process.env, ...env, LOG_LEVEL: "trace" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => output[app].push(...chunk.split("\n").filter(Boolean)));
  }
  children.push(child);
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

beforeAll(async () => {
  db = await testDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const common = {
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix(),
    MIGRATE_ON_START: "false",
    NODE_ENV: "test",
    PUBLIC_URL: url,
  };
  start("api", { ...common, PORT: String(port), HOST: "127.0.0.1", HERALD_API_KEY: apiKey });
  start("worker", { ...common, RETRY_SCHEDULE: "0,50ms,100ms" });
  await eventually(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok ?? false, 60_000);
  await eventually(() => output.worker.some((l) => l.includes("workers started")), 60_000);
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  await db?.drop();
});

describe("logs of a full send", () => {
  it("contain no e-mail address, phone number, token or message content from any process", async () => {
    const client = new HeraldClient({ apiKey, baseUrl: url });
    // A user id that is itself an e-mail address: common, and it travels in URLs percent-encoded.
    const userId = EMAIL;
    await client.users.upsert(userId, { email: EMAIL, phone: PHONE, properties: { name: "Ada" } });
    await client.devices.register(userId, {
      kind: "webpush",
      subscription: { endpoint: ENDPOINT, keys: { p256dh: P256DH, auth: AUTH } },
    });
    await client.devices.register(userId, { kind: "fcm", token: FCM_TOKEN });
    const order = await client.events.trigger({
      type: "order_placed",
      userId,
      data: catalog.order_placed.example,
    });
    const reset = await client.events.trigger({
      type: "password_reset",
      userId,
      data: { resetUrl: `https://example.com/reset?token=${RESET_TOKEN}`, expiresInMinutes: 30 },
    });
    // Failures are logged too: make some, with personal data in the request.
    await expect(client.users.upsert(userId, { phone: `${PHONE} ext ${EMAIL}` })).rejects.toMatchObject({
      status: 422,
    });
    await expect(client.users.get(`${EMAIL}.missing`)).rejects.toMatchObject({ status: 404 });
    const bad = await fetch(`${url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}x` },
    });
    expect(bad.status).toBe(401);

    const sent = await eventually(async () => {
      const events = await Promise.all([client.events.get(order.eventId), client.events.get(reset.eventId)]);
      const all = events.flatMap((e) => e.notifications);
      return all.length === 6 && all.every((n) => n.status === "SENT") ? all : null;
    }, 30_000);
    expect(sent.map((n) => n.channel).sort()).toEqual(["email", "email", "in_app", "push", "sms", "sms"]);

    // The personal data really went through the system…
    const outbox = await db.sql`select destination, content::text as content from outbox_messages`;
    expect(outbox.map((o) => o.destination)).toEqual(expect.arrayContaining([EMAIL, PHONE]));
    expect(outbox.some((o) => o.content.includes(RESET_TOKEN))).toBe(true);

    // …and the logs saw every send (they are not simply empty)…
    await eventually(() => sent.every((n) => output.worker.some((l) => l.includes(n.id))), 10_000);
    await Promise.all(children.map(stop));
    const lines = [...output.api, ...output.worker];
    expect(output.api.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(8);
    // Structured lines only; the worker's deliberate stderr banner about an unsafe Redis
    // (this suite's Redis runs without AOF) is the one exception, and is still checked for leaks below.
    expect(lines.filter((l) => !l.startsWith("{") && !l.startsWith("!!! "))).toEqual([]);

    // …but never any of it.
    const secrets = [
      EMAIL,
      encodeURIComponent(EMAIL),
      "ada.lovelace",
      PHONE,
      PHONE.slice(1),
      encodeURIComponent(PHONE),
      ENDPOINT,
      ENDPOINT.split("/").pop()!,
      P256DH,
      AUTH,
      FCM_TOKEN,
      RESET_TOKEN,
      apiKey,
      apiKey.slice(8),
      "Linen shirt",
      "Order A-1042 confirmed",
    ];
    const leaks = lines.flatMap((line) =>
      secrets
        .filter((s) => line.toLowerCase().includes(s.toLowerCase()))
        .map((s) => `${s} in ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
    // Nothing shaped like an address or a phone number either, whoever's it is.
    expect(lines.filter((l) => /[\w.+-]+(@|%40)[\w-]+\.[a-z]{2,}/i.test(l))).toEqual([]);
    expect(
      lines.filter((l) =>
        /\+?\d[\d\s().-]{8,}\d/.test(
          // Timestamps (any ISO time, e.g. a retention cutoff), numeric measurements, ids and the
          // deployment's own addresses (which the scrubber keeps) are not phone numbers.
          l
            .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "")
            .replace(/\b(?:127|10|192\.168)(?:\.\d{1,3}){2,3}\b/g, "")
            .replace(/"(ms|pid|latencyMs)":[^,}]+/g, "")
            .replace(HERALD_ID, ""),
        ),
      ),
    ).toEqual([]);
  });
});
