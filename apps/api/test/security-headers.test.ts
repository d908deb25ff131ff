import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
let dashboard: string;
beforeAll(async () => {
  dashboard = mkdtempSync(join(tmpdir(), "herald-dash-"));
  mkdirSync(join(dashboard, "assets"));
  writeFileSync(
    join(dashboard, "index.html"),
    '<!doctype html><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(dashboard, "assets", "app.js"), "console.log('dashboard')");
  api = await createTestApi({ DASHBOARD_DIR: dashboard, MAX_BODY_BYTES: "1024" });
});
afterAll(async () => {
  await api.close();
  rmSync(dashboard, { recursive: true, force: true });
});

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([name, ...values]) => [name!, values.join(" ")]),
  );
}

function expectBaseline(headers: Headers) {
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(directives(headers.get("content-security-policy")).get("frame-ancestors")).toBe("'none'");
  expect(headers.get("x-powered-by")).toBeNull();
}

describe("security headers", () => {
  it("on JSON answers, errors included: nosniff, no framing, a CSP that loads nothing", async () => {
    for (const [method, path, body] of [
      ["GET", "/v1/notifications", undefined],
      ["POST", "/v1/events", "{"],
      ["GET", "/v1/nope", undefined],
      ["GET", "/healthz", undefined],
      ["GET", "/openapi.json", undefined],
    ] as const) {
      const res = await api.call(method, path, body);
      expectBaseline(res.headers);
      expect(directives(res.headers.get("content-security-policy")).get("default-src"), path).toBe("'none'");
    }
    const unauth = await api.call("GET", "/v1/notifications", undefined, { authorization: "" });
    expect(unauth.status).toBe(401);
    expectBaseline(unauth.headers);
  });

  it("on the dashboard: a CSP allowing only its own scripts", async () => {
    for (const path of ["/", "/assets/app.js"]) {
      const res = await api.call("GET", path, undefined, { authorization: "" });
      expect(res.status, path).toBe(200);
      expectBaseline(res.headers);
      const csp = directives(res.headers.get("content-security-policy"));
      expect(csp.get("default-src")).toBe("'self'");
      expect(csp.get("script-src")).toBe("'self'");
      expect(csp.get("object-src")).toBe("'none'");
      expect(csp.get("base-uri")).toBe("'self'");
    }
  });

  it("an unknown page gets the dashboard (its own 'Page not found') with status 404; an API client gets JSON", async () => {
    const page = await api.call("GET", "/no-such-page", undefined, {
      authorization: "",
      accept: "text/html",
    });
    expect(page.status).toBe(404);
    expect(page.body).toContain("/assets/app.js");
    expect(directives(page.headers.get("content-security-policy")).get("script-src")).toBe("'self'");
    expectBaseline(page.headers);
    for (const [path, accept] of [
      ["/no-such-page", "application/json"],
      ["/v1/no-such-route", "text/html"],
    ] as const) {
      const res = await api.call("GET", path, undefined, { accept });
      expect(res.status, path).toBe(404);
      expect(res.body.error).toMatchObject({ code: "not_found", message: `No route GET ${path}` });
    }
  });

  it("on /docs: its own CSP, no script from anywhere but this server", async () => {
    const res = await api.call("GET", "/docs", undefined, { authorization: "" });
    expect(res.status).toBe(200);
    expectBaseline(res.headers);
    expect(directives(res.headers.get("content-security-policy")).get("script-src")).toBe("'self'");
  });
});

describe("body limits on every route", () => {
  it("refuse JSON nested deeper than 64 levels with a 400, and only after the key is checked", async () => {
    const deep = `{"type":"order_placed","userId":"u","data":${"[".repeat(100)}${"]".repeat(100)}}`;
    const res = await api.call("POST", "/v1/events", deep);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("nested deeper than 64");
    expect((await api.call("POST", "/v1/events", deep, { authorization: "" })).status).toBe(401);
  });

  it("answers 413 outside /v1 too", async () => {
    const big = "x".repeat(4096);
    for (const path of ["/healthz", "/docs", "/", "/openapi.json", "/v1/users/u1"]) {
      const res = await api.call("POST", path, JSON.stringify({ big }), { authorization: "" });
      expect(res.status, path).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    }
  });
});
