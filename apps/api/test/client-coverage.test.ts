import { Herald } from "@herald/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_METHODS, type ClientCall, NOT_IN_CLIENT } from "./client-coverage.ts";
import { operations } from "./openapi-operations.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
let documented: string[];
beforeAll(async () => {
  api = await createTestApi();
  const doc = (await api.call("GET", "/openapi.json", undefined, { authorization: "" })).body;
  documented = operations(doc).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
});
afterAll(() => api.close());

/**
 * The documented operation a request reaches, as a router picks it: among the
 * templates it matches, the one with most literal segments
 * (`/v1/dead-letters/retry` over `/v1/dead-letters/{notificationId}`).
 */
function operationOf(method: string, path: string): string | undefined {
  const literal = (template: string) => template.split("/").filter((s) => s && !s.startsWith("{")).length;
  return documented
    .map((op) => op.split(" ") as [string, string])
    .filter(
      ([m, template]) =>
        m === method && new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
    )
    .sort(([, a], [, b]) => literal(b) - literal(a))
    .map(([m, template]) => `${m} ${template}`)[0];
}

/** A client whose every request is recorded and answered 200 with an empty page and batch `results` (no API behind it). */
function recordingClient() {
  const requests: string[] = [];
  const client = new Herald({
    apiKey: "hk_test_coverage",
    baseUrl: "http://herald.invalid",
    maxRetries: 0,
    fetch: async (input, init) => {
      requests.push(`${init?.method} ${new URL(String(input)).pathname}`);
      return Response.json({ data: [], nextCursor: null, results: [] });
    },
  });
  return { client, requests };
}

/** `"apiKeys.rotate"` on the client object, bound, or undefined when it has no such method. */
function methodOf(client: Herald, name: string): ((...args: unknown[]) => unknown) | undefined {
  const parts = name.split(".");
  const owner = parts.slice(0, -1).reduce<unknown>((o, key) => (o as Record<string, unknown>)?.[key], client);
  const method = (owner as Record<string, unknown> | undefined)?.[parts.at(-1)!];
  return typeof method === "function" ? method.bind(owner) : undefined;
}

describe("@herald/client's coverage of /openapi.json", () => {
  it("gives every operation a client method or a reason it has none, and names only documented operations", () => {
    const covered = Object.keys(CLIENT_METHODS);
    const excluded = Object.keys(NOT_IN_CLIENT);
    // A new route fails here until it is given a method or a reason.
    expect(documented.filter((op) => !covered.includes(op) && !excluded.includes(op))).toEqual([]);
    expect(covered.filter((op) => excluded.includes(op))).toEqual([]);
    // A route renamed or removed leaves a stale entry.
    expect([...covered, ...excluded].filter((op) => !documented.includes(op))).toEqual([]);
    for (const [op, reason] of Object.entries(NOT_IN_CLIENT)) expect(reason, op).toMatch(/^[^\n]{20,}$/);
    expect(covered.length).toBeGreaterThanOrEqual(45);
  });

  it("maps each covered operation to a method the client has, which calls that operation once", async () => {
    const wrong: string[] = [];
    for (const [op, [name, ...args]] of Object.entries(CLIENT_METHODS) as [string, ClientCall][]) {
      const { client, requests } = recordingClient();
      const method = methodOf(client, name);
      if (!method) {
        wrong.push(`${op}: the client has no method ${name}`);
        continue;
      }
      await method(...args);
      const reached = requests.map((r) => operationOf(...(r.split(" ") as [string, string])) ?? r);
      if (reached.length !== 1 || reached[0] !== op)
        wrong.push(`${op}: ${name} called ${reached.join(", ")}`);
    }
    expect(wrong).toEqual([]);
  });
});
