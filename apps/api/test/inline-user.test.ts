import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const reset = (userId: string, user?: Record<string, string>) => ({
  type: "password_reset",
  userId,
  data: catalog.password_reset.example,
  ...(user ? { user } : {}),
});

async function keyWith(scopes: string[]): Promise<string> {
  const res = await api.call("POST", "/v1/api-keys", { name: scopes.join("+"), scopes });
  expect(res.status).toBe(201);
  return res.body.key;
}

async function eventCount(): Promise<number> {
  const [row] = await api.db.sql<{ n: number }[]>`select count(*)::int as n from events`;
  return row!.n;
}

describe("an event's inline user data", () => {
  it("needs users:write as well: a key that may only send events cannot rewrite where they go", async () => {
    expect((await api.call("PUT", "/v1/users/carol", { email: "carol@example.com" })).status).toBe(200);
    const eventsOnly = await keyWith(["events:write"]);
    const before = await eventCount();

    const single = await api.call(
      "POST",
      "/v1/events",
      reset("carol", { email: "attacker@evil.example" }),
      as(eventsOnly),
    );
    expect(single.status).toBe(403);
    expect(single.body.error.code).toBe("forbidden");
    expect(single.body.error.message).toMatch(/lacks the "users:write" scope that an event's inline `user`/);
    expect(single.body.error.requestId).toEqual(expect.any(String));

    // One item with `user` refuses the whole batch, the items without it too.
    const batch = await api.call(
      "POST",
      "/v1/events/batch",
      { events: [reset("dave"), reset("carol", { email: "batch@evil.example" })] },
      as(eventsOnly),
    );
    expect(batch.status).toBe(403);

    expect(await eventCount()).toBe(before);
    expect((await api.call("GET", "/v1/users/carol")).body.email).toBe("carol@example.com");
    // Without inline data the same key sends; with both scopes the data is written.
    expect((await api.call("POST", "/v1/events", reset("carol"), as(eventsOnly))).status).toBe(202);
    const both = await keyWith(["events:write", "users:write"]);
    const res = await api.call("POST", "/v1/events", reset("carol", { email: "new@example.com" }), as(both));
    expect(res.status).toBe(202);
    expect((await api.call("GET", "/v1/users/carol")).body.email).toBe("new@example.com");
  });

  it("does not bring an erased user id back: only PUT /v1/users/:userId does", async () => {
    expect((await api.call("PUT", "/v1/users/erin", { email: "erin@example.com" })).status).toBe(200);
    expect((await api.call("DELETE", "/v1/users/erin")).status).toBe(204);
    const res = await api.call("POST", "/v1/events", reset("erin", { email: "erin-again@example.com" }));
    expect(res.status).toBe(202);
    expect((await api.call("GET", "/v1/users/erin")).status).toBe(404);
    const [row] = await api.db.sql<{ email: string | null; erased: boolean }[]>`
      select email, erased_at is not null as erased from recipients where external_id = 'erin'`;
    expect(row).toEqual({ email: null, erased: true });
    // The app creating it again is what revives the id.
    expect((await api.call("PUT", "/v1/users/erin", { email: "erin-again@example.com" })).status).toBe(200);
    expect((await api.call("GET", "/v1/users/erin")).body.email).toBe("erin-again@example.com");
  });
});
