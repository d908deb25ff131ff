import { createDashboardUser } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserCall,
  createTestAccounts,
  type Signed,
  signInAs,
  TEST_ADMIN,
  TEST_SUPPORT,
} from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
const ADMIN = TEST_ADMIN;
const SUPPORT = TEST_SUPPORT;

beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
});
afterAll(() => api.close());

const call = (method: string, path: string, s: Signed, body?: unknown) =>
  browserCall(api, method, path, s, body, method === "GET" ? {} : { "x-csrf-token": s.csrf });
const signIn = (who: { email: string; password: string }) => signInAs(api, who);
const signInFails = async (who: { email: string; password: string }) =>
  (await browserCall(api, "POST", "/v1/dashboard/session", null, who)).status;

describe("dashboard accounts", () => {
  it("an admin lists accounts without their passwords, adds one who can then sign in, and a taken e-mail is 409", async () => {
    const admin = await signIn(ADMIN);
    const listed = await call("GET", "/v1/dashboard/accounts", admin);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((a: { email: string }) => a.email)).toEqual([ADMIN.email, SUPPORT.email]);
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|password/i);

    const lin = { email: "Lin@Example.com", password: "a long first password" };
    const added = await call("POST", "/v1/dashboard/accounts", admin, { ...lin, role: "support" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      email: "lin@example.com",
      role: "support",
      disabledAt: null,
      lastLoginAt: null,
    });
    expect(added.body.id).toMatch(/^adm_/);
    expect((await signIn(lin)).csrf).toBeTruthy();

    const again = await call("POST", "/v1/dashboard/accounts", admin, { ...lin, role: "admin" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  it("refuses a short password or a bad e-mail with 422 naming the field", async () => {
    const admin = await signIn(ADMIN);
    const short = await call("POST", "/v1/dashboard/accounts", admin, {
      email: "kim@example.com",
      role: "support",
      password: "short",
    });
    expect(short.status).toBe(422);
    expect(short.body.error.details).toContainEqual(expect.objectContaining({ path: "password" }));
    const bad = await call("POST", "/v1/dashboard/accounts", admin, {
      email: "not-an-address",
      role: "support",
      password: "a long enough password",
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: "email" }));
    const nothing = await call("PATCH", "/v1/dashboard/accounts/adm_x", admin, {});
    expect(nothing.status).toBe(422);
  });

  it("disabling signs the account out at once and keeps it out; enabling and a new password let it back in", async () => {
    const admin = await signIn(ADMIN);
    const who = { email: "joe@example.com", password: "joe-password-123" };
    const { body: joe } = await call("POST", "/v1/dashboard/accounts", admin, { ...who, role: "support" });
    const joeSession = await signIn(who);
    expect((await call("GET", "/v1/dashboard/session", joeSession)).status).toBe(200);

    const disabled = await call("PATCH", `/v1/dashboard/accounts/${joe.id}`, admin, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    expect((await call("GET", "/v1/dashboard/session", joeSession)).status).toBe(401);
    expect(await signInFails(who)).toBe(401);

    const fresh = "joe-new-password-456";
    const back = await call("PATCH", `/v1/dashboard/accounts/${joe.id}`, admin, {
      disabled: false,
      password: fresh,
    });
    expect(back.body.disabledAt).toBeNull();
    expect(await signInFails(who)).toBe(401);
    expect((await signIn({ ...who, password: fresh })).csrf).toBeTruthy();

    const promoted = await call("PATCH", `/v1/dashboard/accounts/${joe.id}`, admin, { role: "admin" });
    expect(promoted.body.role).toBe("admin");
    expect((await call("PATCH", "/v1/dashboard/accounts/adm_nobody", admin, { role: "admin" })).status).toBe(
      404,
    );
  });

  it("an admin cannot demote or disable their own account, nor leave no enabled admin", async () => {
    const admin = await signIn(ADMIN);
    const { body: accounts } = await call("GET", "/v1/dashboard/accounts", admin);
    const ada = accounts.data.find((a: { email: string }) => a.email === ADMIN.email);
    for (const change of [{ role: "support" }, { disabled: true }]) {
      const res = await call("PATCH", `/v1/dashboard/accounts/${ada.id}`, admin, change);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain("your own account");
    }
    // Through an admin API key (no own account): still refused when it is the last enabled admin.
    const solo = await createTestApi();
    try {
      const only = await createDashboardUser(solo.deps.db, { ...ADMIN, role: "admin" });
      const res = await solo.app.request(`/v1/dashboard/accounts/${only!.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${solo.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ disabled: true }),
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as any).error.message).toContain("only enabled admin");
    } finally {
      await solo.close();
    }
  });

  it("two admins demoting each other at the same moment leave one enabled admin", async () => {
    const pair = await createTestApi();
    try {
      const patch = (id: string, body: unknown) =>
        pair.app.request(`/v1/dashboard/accounts/${id}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${pair.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const a = await createDashboardUser(pair.deps.db, { ...ADMIN, role: "admin" });
      const b = await createDashboardUser(pair.deps.db, { ...SUPPORT, role: "admin" });
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all([
          patch(a!.id, { role: "support" }),
          patch(b!.id, { disabled: true }),
        ]);
        expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409]);
        const { body } = await browserCall(pair, "GET", "/v1/dashboard/accounts", null, undefined, {
          authorization: `Bearer ${pair.apiKey}`,
        });
        const enabledAdmins = body.data.filter(
          (x: { role: string; disabledAt: string | null }) => x.role === "admin" && x.disabledAt === null,
        );
        expect(enabledAdmins).toHaveLength(1);
        // Both admins again for the next round.
        for (const id of [a!.id, b!.id])
          expect((await patch(id, { role: "admin", disabled: false })).status).toBe(200);
      }
    } finally {
      await pair.close();
    }
  });

  it("support may neither list nor change accounts", async () => {
    const support = await signIn(SUPPORT);
    expect((await call("GET", "/v1/dashboard/accounts", support)).status).toBe(403);
    const res = await call("POST", "/v1/dashboard/accounts", support, {
      email: "sneaky@example.com",
      role: "admin",
      password: "a long enough password",
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });
});
