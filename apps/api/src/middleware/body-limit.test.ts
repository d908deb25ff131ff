import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimit } from "./body-limit.ts";

const MAX = 1000;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  const app = new Hono();
  // As the JSON depth check does before a route's own, stricter limit.
  app.use("/read-first", async (c, next) => {
    await c.req.text();
    await next();
  });
  app.use("*", bodyLimit({ maxSize: MAX, onError: (c) => c.text("too large", 413) }));
  app.all("*", async (c) => c.text(`${c.req.method} ${(await c.req.text()).length}`));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A request over a real socket; `chunks` go out with Transfer-Encoding: chunked (no length declared). */
function send(
  method: string,
  o: { body?: string; chunks?: string[]; path?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      o.body !== undefined ? { "content-length": String(Buffer.byteLength(o.body)) } : {};
    const req = httpRequest({ host: "127.0.0.1", port, method, path: o.path ?? "/x", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    if (o.body !== undefined) req.end(o.body);
    else {
      for (const chunk of o.chunks ?? []) req.write(chunk);
      req.end();
    }
  });
}

describe("bodyLimit", () => {
  it("measures a chunked body an earlier middleware has read already (its stream is locked)", async () => {
    const path = "/read-first";
    expect(await send("POST", { chunks: ["a".repeat(600), "b".repeat(300)], path })).toEqual({
      status: 200,
      text: "POST 900",
    });
    expect(await send("POST", { chunks: ["a".repeat(600), "b".repeat(600)], path })).toEqual({
      status: 413,
      text: "too large",
    });
  });

  it("takes a declared length at its word", async () => {
    expect(await send("POST", { body: "a".repeat(MAX) })).toEqual({ status: 200, text: `POST ${MAX}` });
    expect((await send("POST", { body: "a".repeat(MAX + 1) })).status).toBe(413);
    expect((await send("PUT", { body: "a".repeat(MAX * 5) })).status).toBe(413);
  });

  it("counts a chunked body as it arrives", async () => {
    expect(await send("POST", { chunks: ["a".repeat(600), "b".repeat(400)] })).toEqual({
      status: 200,
      text: `POST ${MAX}`,
    });
    expect((await send("POST", { chunks: ["a".repeat(600), "b".repeat(401)] })).status).toBe(413);
  });

  it("lets GET and HEAD through", async () => {
    expect(await send("GET", {})).toEqual({ status: 200, text: "GET 0" });
    expect((await send("HEAD", {})).status).toBe(200);
  });
});
