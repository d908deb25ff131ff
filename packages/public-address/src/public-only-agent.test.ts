import * as http from "node:http";
import { Agent, createServer, request, type Server } from "node:https";
import type { AddressInfo, LookupFunction } from "node:net";
import { loopbackCertificate } from "@herald/fakes";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isNonPublicAddressError } from "./public-lookup.ts";
import { PublicOnlyAgent, PublicOnlyHttpAgent } from "./public-only-agent.ts";

let server: Server;
let port: number;
let ca: string;
let connections = 0;

beforeAll(async () => {
  const { key, cert } = await loopbackCertificate();
  ca = cert;
  server = createServer({ key, cert }, (_req, res) => res.end("reached"));
  // Counted at TCP level: a refused request must not even open a connection.
  server.on("connection", () => connections++);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  connections = 0;
});

/** A resolver that answers `name` with the given address, as a DNS record pointing inwards would. */
const pointing =
  (name: string, address: string, family: 4 | 6 = 4): LookupFunction =>
  (hostname, options, callback) => {
    if (hostname !== name) return callback(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }), "");
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };

function get(agent: Agent, hostname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: "/", agent, servername: "localhost" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("PublicOnlyAgent", () => {
  it.each(["127.0.0.1", "::ffff:127.0.0.1", "[::ffff:7f00:1]"])(
    "refuses the IP literal %s without connecting",
    async (host) => {
      const agent = new PublicOnlyAgent({ ca: [ca] });
      const err = await get(agent, host).catch((e: unknown) => e);
      expect(isNonPublicAddressError(err)).toBe(true);
      expect((err as Error).message).toMatch(/is a non-public address \(loopback\)$/);
      expect(connections).toBe(0);
      agent.destroy();
    },
  );

  it("refuses a name that resolves to loopback without connecting", async () => {
    const agent = new PublicOnlyAgent({ ca: [ca], resolve: pointing("push.example.com", "127.0.0.1") });
    const err = await get(agent, "push.example.com").catch((e: unknown) => e);
    expect(isNonPublicAddressError(err)).toBe(true);
    expect((err as Error).message).toBe(
      "push.example.com resolves to a non-public address (127.0.0.1, loopback)",
    );
    expect(connections).toBe(0);
    agent.destroy();
  });

  it("the same request through an ordinary agent does reach the server", async () => {
    // Proves the refusals above are the guard's doing, not a server the test cannot reach.
    const agent = new Agent({ ca: [ca], lookup: pointing("push.example.com", "127.0.0.1") });
    expect(await get(agent, "push.example.com")).toBe("reached");
    expect(connections).toBe(1);
    agent.destroy();
  });
});

describe("PublicOnlyHttpAgent", () => {
  let plain: http.Server;
  let plainPort: number;
  let plainConnections = 0;
  beforeAll(async () => {
    plain = http.createServer((_req, res) => res.end("reached"));
    plain.on("connection", () => plainConnections++);
    await new Promise<void>((done) => plain.listen(0, "127.0.0.1", done));
    plainPort = (plain.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => plain.close(() => done())));

  function plainGet(agent: http.Agent, hostname: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request({ hostname, port: plainPort, path: "/", agent }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("refuses an IP literal and a name resolving to loopback without connecting; an ordinary agent connects", async () => {
    plainConnections = 0;
    const agent = new PublicOnlyHttpAgent({ resolve: pointing("hooks.example.com", "127.0.0.1") });
    const literal = await plainGet(agent, "127.0.0.1").catch((e: unknown) => e);
    expect((literal as Error).message).toBe("127.0.0.1 is a non-public address (loopback)");
    const named = await plainGet(agent, "hooks.example.com").catch((e: unknown) => e);
    expect(isNonPublicAddressError(named)).toBe(true);
    expect((named as Error).message).toBe(
      "hooks.example.com resolves to a non-public address (127.0.0.1, loopback)",
    );
    expect(plainConnections).toBe(0);
    agent.destroy();

    const ordinary = new http.Agent({ lookup: pointing("hooks.example.com", "127.0.0.1") });
    expect(await plainGet(ordinary, "hooks.example.com")).toBe("reached");
    expect(plainConnections).toBe(1);
    ordinary.destroy();
  });
});
