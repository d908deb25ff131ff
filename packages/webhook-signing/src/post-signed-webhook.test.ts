import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postSignedWebhook, type SignedPost } from "./post-signed-webhook.ts";
import { signWebhook } from "./webhook-signature.ts";

/** What the receivers got: counted per TCP connection, so a refusal must not even connect. */
let connections = 0;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let answer = 204;
let v4: Server;
let v6: Server;

function receiver(host: string): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (answer === 0) return; // never answers
      res.writeHead(answer).end("a body nobody reads");
    });
  });
  server.on("connection", () => connections++);
  return new Promise((done) => server.listen(0, host, () => done(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const close = (server: Server) =>
  new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

beforeAll(async () => {
  [v4, v6] = await Promise.all([receiver("127.0.0.1"), receiver("::1")]);
});
afterAll(async () => {
  await Promise.all([close(v4), close(v6)]);
});
beforeEach(() => {
  connections = 0;
  received.length = 0;
  answer = 204;
});

const key = randomBytes(32);
const post = (url: string, extra: Partial<SignedPost> = {}): SignedPost => ({
  url,
  secret: key,
  id: "msg_test",
  body: JSON.stringify({ type: "herald.ping" }),
  timeoutMs: 5000,
  userAgent: "herald-test",
  nowMs: 1_700_000_000_000,
  ...extra,
});

/** A resolver that answers `name` with `address`, as a DNS record pointing inwards would. */
const pointing =
  (name: string, address: string): LookupFunction =>
  (hostname, options, callback) => {
    if (hostname !== name) return callback(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }), "");
    if (options.all) callback(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };

const loopbackUrls = () =>
  [
    [
      `http://127.0.0.1:${portOf(v4)}/hook`,
      /^unreachable: 127\.0\.0\.1 is a non-public address \(loopback\)$/,
    ],
    [`http://[::1]:${portOf(v6)}/hook`, /^unreachable: ::1 is a non-public address \(loopback\)$/],
    // A name: refused by what it resolves to (/etc/hosts: 127.0.0.1, maybe ::1 too).
    [
      `http://localhost:${portOf(v4)}/hook`,
      /^unreachable: localhost resolves to a non-public address \((127\.0\.0\.1|::1), loopback\)$/,
    ],
  ] as const;

describe("postSignedWebhook with publicOnly", () => {
  it("refuses loopback IP literals (v4, bracketed v6) and a name resolving to loopback, sending nothing", async () => {
    for (const [url, error] of loopbackUrls()) {
      const outcome = await postSignedWebhook(post(url, { publicOnly: true }));
      expect(outcome, url).toMatchObject({ ok: false, status: null });
      expect(outcome.ok ? "" : outcome.error, url).toMatch(error);
    }
    expect(connections).toBe(0);
    expect(received).toEqual([]);
  });

  it("refuses a public-looking name whose DNS answer is loopback (resolve, for tests)", async () => {
    const outcome = await postSignedWebhook(
      post(`http://hooks.example.com:${portOf(v4)}/hook`, {
        publicOnly: true,
        resolve: pointing("hooks.example.com", "127.0.0.1"),
      }),
    );
    expect(outcome).toEqual({
      ok: false,
      status: null,
      error: "unreachable: hooks.example.com resolves to a non-public address (127.0.0.1, loopback)",
    });
    // https: goes through the same guard.
    const secure = await postSignedWebhook(
      post(`https://hooks.example.com:${portOf(v4)}/hook`, {
        publicOnly: true,
        resolve: pointing("hooks.example.com", "169.254.169.254"),
      }),
    );
    expect(secure).toMatchObject({
      error: "unreachable: hooks.example.com resolves to a non-public address (169.254.169.254, link-local)",
    });
    expect(connections).toBe(0);
  });
});

describe("postSignedWebhook without publicOnly (the default)", () => {
  it("the same POSTs arrive, signed: the refusals above are the guard's doing", async () => {
    for (const [url] of loopbackUrls())
      expect(await postSignedWebhook(post(url)), url).toEqual({ ok: true, status: 204 });
    expect(received).toHaveLength(3);
    const signed = signWebhook(key, "msg_test", 1_700_000_000, JSON.stringify({ type: "herald.ping" }));
    for (const got of received) {
      expect(got.body).toBe(JSON.stringify({ type: "herald.ping" }));
      expect(got.headers).toMatchObject({
        ...signed,
        "content-type": "application/json",
        "user-agent": "herald-test",
      });
    }
  });

  it("reports a refusal, a closed port, a timeout and a bad URL as outcomes, never throwing", async () => {
    answer = 503;
    const url = `http://127.0.0.1:${portOf(v4)}/hook`;
    expect(await postSignedWebhook(post(url))).toEqual({ ok: false, status: 503, error: "answered 503" });
    answer = 302;
    expect(await postSignedWebhook(post(url))).toEqual({ ok: false, status: 302, error: "answered 302" });
    answer = 0;
    expect(await postSignedWebhook(post(url, { timeoutMs: 200 }))).toEqual({
      ok: false,
      status: null,
      error: "unreachable: timed out after 200 ms",
    });
    const closed = await receiver("127.0.0.1");
    const gone = `http://127.0.0.1:${portOf(closed)}/`;
    await close(closed);
    expect(await postSignedWebhook(post(gone))).toEqual({
      ok: false,
      status: null,
      error: "unreachable: ECONNREFUSED",
    });
    expect(await postSignedWebhook(post("not a url"))).toMatchObject({ ok: false, status: null });
    expect(await postSignedWebhook(post("ftp://127.0.0.1/"))).toEqual({
      ok: false,
      status: null,
      error: "unreachable: unsupported protocol ftp:",
    });
  });
});
