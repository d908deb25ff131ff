import { spawn } from "node:child_process";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { createDashboardUser, getNotification } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserCall,
  createTestAccounts,
  type Signed,
  signInAs,
  TEST_ADMIN,
  TEST_SUPPORT,
} from "./dashboard-session.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
const ADMIN = { ...TEST_ADMIN, email: "Grace@Example.com" };
const SUPPORT = TEST_SUPPORT;

beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api, ADMIN);
});
afterAll(() => api.close());

/** A DEAD e-mail notification, as the worker leaves one after its last attempt. */
async function seedDead(userId: string) {
  const { notification } = await seedNotification(api.deps.db, userId, {
    channel: "email",
    status: "DEAD",
    recipient: { email: `${userId}@example.com` },
  });
  return notification;
}

const browser = (method: string, path: string, s?: Signed | null, body?: unknown, headers = {}) =>
  browserCall(api, method, path, s, body, headers);
const signIn = (who: { email: string; password: string }) => signInAs(api, who);

describe("dashboard sign-in", () => {
  it("sets an httpOnly, SameSite=Lax session cookie and a readable CSRF cookie; e-mail is case-insensitive", async () => {
    const s = await signIn({ email: "grace@example.com", password: ADMIN.password });
    const session = s.setCookies.find((c) => c.startsWith("herald_session="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    // Plain-http localhost in tests: not Secure (browsers would drop it).
    expect(session).not.toMatch(/Secure/i);
    const csrf = s.setCookies.find((c) => c.startsWith("herald_csrf="))!;
    expect(csrf).not.toMatch(/HttpOnly/i);
    const me = await browser("GET", "/v1/dashboard/session", s);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: "grace@example.com", role: "admin" });
    expect(me.body.csrfToken).toBe(s.csrf);
  });

  it("is Secure when PUBLIC_URL is https", async () => {
    const secure = await createTestApi({ PUBLIC_URL: "https://herald.example.com" });
    try {
      await createDashboardUser(secure.deps.db, { ...ADMIN, role: "admin" });
      const res = await secure.app.request("/v1/dashboard/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().find((c) => c.startsWith("herald_session="))).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it("refuses a wrong password or unknown e-mail with 401 in the error shape", async () => {
    for (const body of [
      { email: ADMIN.email, password: "wrong-password-000" },
      { email: "nobody@example.com", password: ADMIN.password },
    ]) {
      const res = await browser("POST", "/v1/dashboard/session", null, body);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: "unauthorized" });
      expect(res.body.error.requestId).toMatch(/^req_/);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it("locks an e-mail out after 10 failures (429)", async () => {
    await createDashboardUser(api.deps.db, {
      email: "victim@example.com",
      password: "victim-password-1",
      role: "support",
    });
    for (let i = 0; i < 10; i++) {
      const r = await browser("POST", "/v1/dashboard/session", null, {
        email: "victim@example.com",
        password: `guess-${i}-xxxxxxx`,
      });
      expect(r.status).toBe(401);
    }
    const locked = await browser("POST", "/v1/dashboard/session", null, {
      email: "victim@example.com",
      password: "victim-password-1",
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("rate_limited");
  });

  it("signs out: the session stops working and the cookies are cleared", async () => {
    const s = await signIn(SUPPORT);
    expect((await browser("GET", "/v1/notifications", s)).status).toBe(200);
    const out = await browser("DELETE", "/v1/dashboard/session", s, undefined, { "x-csrf-token": s.csrf });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join("\n")).toMatch(/herald_session=;.*Max-Age=0/);
    expect((await browser("GET", "/v1/notifications", s)).status).toBe(401);
    expect((await browser("GET", "/v1/dashboard/session", s)).status).toBe(401);
  });

  it("without a session, /v1 answers 401 and a GET of /admin/queues redirects to sign-in", async () => {
    expect((await browser("GET", "/v1/notifications", null)).status).toBe(401);
    expect(
      (
        await browser("GET", "/v1/dashboard/overview", {
          cookie: "herald_session=forged",
          csrf: "",
          setCookies: [],
        })
      ).status,
    ).toBe(401);
    const page = await browser("GET", "/admin/queues", null, undefined, { accept: "text/html" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?next=%2Fadmin%2Fqueues");
    const apiCall = await browser("GET", "/admin/queues/api/queues", null);
    expect(apiCall.status).toBe(401);
    expect(apiCall.body.error.code).toBe("unauthorized");
  });
});

describe("CSRF", () => {
  it("refuses a state-changing call with the cookie but without the right X-CSRF-Token, and writes nothing", async () => {
    const s = await signIn(SUPPORT);
    await api.call("PUT", "/v1/users/csrf-user", { email: "c@example.com" });
    const before = await api.call("GET", "/v1/users/csrf-user/preferences");
    for (const headers of [{}, { "x-csrf-token": "not-the-token" }, { "x-csrf-token": `${s.csrf}x` }]) {
      const res = await browser(
        "PUT",
        "/v1/users/csrf-user/preferences",
        s,
        { channels: { sms: false } },
        headers,
      );
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden" });
      expect(res.body.error.message).toMatch(/CSRF/);
    }
    expect((await api.call("GET", "/v1/users/csrf-user/preferences")).body).toEqual(before.body);
    const ok = await browser(
      "PUT",
      "/v1/users/csrf-user/preferences",
      s,
      { channels: { sms: false } },
      { "x-csrf-token": s.csrf },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.channels.sms).toBe(false);
  });

  it("another session's token does not work", async () => {
    const a = await signIn(SUPPORT);
    const b = await signIn(ADMIN);
    const res = await browser("DELETE", "/v1/dashboard/session", a, undefined, { "x-csrf-token": b.csrf });
    expect(res.status).toBe(403);
  });

  it("API keys need no CSRF token (no cookie, nothing a browser sends by itself)", async () => {
    const res = await api.call("PUT", "/v1/users/csrf-user/preferences", { channels: { sms: true } });
    expect(res.status).toBe(200);
  });
});

describe("roles", () => {
  it("support reads notifications, users and the overview, and edits preferences", async () => {
    const s = await signIn(SUPPORT);
    for (const path of [
      "/v1/notifications",
      "/v1/dashboard/overview",
      "/v1/dashboard/users?q=csrf",
      "/v1/dead-letters",
      "/v1/dashboard/templates",
      "/v1/dashboard/outbox",
    ]) {
      const res = await browser("GET", path, s);
      expect(res.status, path).toBe(200);
    }
  });

  it("support gets 403 on every queue action and on Bull Board; admin may", async () => {
    const dead = await seedDead("role-user");
    const support = await signIn(SUPPORT);
    const h = { "x-csrf-token": support.csrf };
    const refused = [
      await browser("POST", `/v1/dead-letters/${dead.id}/retry`, support, undefined, h),
      await browser("POST", "/v1/dead-letters/retry", support, { channel: "email" }, h),
      await browser("DELETE", `/v1/dead-letters/${dead.id}`, support, undefined, h),
      await browser("POST", "/v1/dashboard/templates/order_placed/test", support, { userId: "role-user" }, h),
      await browser("GET", "/admin/queues", support),
      await browser("GET", "/admin/queues/api/queues", support),
      await browser("PUT", "/admin/queues/api/queues/%7Bemail%7D/retry/failed", support),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden" });
      expect(res.body.error.requestId).toMatch(/^req_/);
    }
    expect((await getNotification(api.deps.db, dead.id))!.status).toBe("DEAD");
    // A support agent's browser opening Bull Board gets a page saying why, not raw JSON.
    const page = await browser("GET", "/admin/queues", support, undefined, { accept: "text/html" });
    expect(page.status).toBe(403);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.body).toContain("Bull Board is for admins");
    expect(page.body).toContain(SUPPORT.email);
    expect(page.body).toContain('href="/"');

    const admin = await signIn(ADMIN);
    const board = await browser("GET", "/admin/queues", admin, undefined, { accept: "text/html" });
    expect(board.status).toBe(200);
    expect(board.body).toContain("Herald queues");
    // Its page loads nothing from other sites (Bull Board's Google Fonts link is taken out), and the
    // CSP is not opened to them: the page still links its own stylesheet.
    expect(board.body).not.toMatch(/fonts\.googleapis|https?:\/\//);
    expect(board.body).toMatch(/<link href="static\/css\/main\.[0-9a-f]+\.css" rel="stylesheet">/);
    expect(board.headers.get("content-security-policy")).not.toMatch(/https?:|fonts/);
    // Typed with a trailing slash: sent to the page (a relative Location, right behind a TLS proxy).
    const slash = await browser("GET", "/admin/queues/?x=1", admin, undefined, { accept: "text/html" });
    expect(slash.status).toBe(301);
    expect(slash.headers.get("location")).toBe("/admin/queues?x=1");
    const queues = await browser("GET", "/admin/queues/api/queues", admin);
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: any) => q.name)).toContain("{email}");
    // A cross-site request with the admin's cookie is refused.
    const foreign = await browser(
      "PUT",
      "/admin/queues/api/queues/%7Bemail%7D/retry/failed",
      admin,
      undefined,
      {
        origin: "https://evil.example",
      },
    );
    expect(foreign.status).toBe(403);
    const retried = await browser("POST", `/v1/dead-letters/${dead.id}/retry`, admin, undefined, {
      "x-csrf-token": admin.csrf,
    });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe("QUEUED");
  });
});

describe("npm run admin", () => {
  it("creates a support user from stdin, changes the role, disables; the API follows", async () => {
    const run = (args: string[], input?: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
          cwd: resolve(import.meta.dirname, "../../.."),
          env: { ...process.env, DATABASE_URL: api.db.url },
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (b) => (out += b));
        child.stderr.on("data", (b) => (err += b));
        child.on("close", (code) => done({ code, out, err }));
        child.stdin.end(input ?? "");
      });
    const weak = await run(["create", "--email", "cli@example.com", "--role", "support"], "short\n");
    expect(weak.code).toBe(2);
    expect(weak.err).toMatch(/at least 12/);
    const created = await run(
      ["create", "--email", "cli@example.com", "--role", "support", "--json"],
      "cli-password-123\n",
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({
      email: "cli@example.com",
      role: "support",
      disabled: false,
    });
    const s = await signIn({ email: "cli@example.com", password: "cli-password-123" });
    expect((await browser("GET", "/v1/dashboard/session", s)).body.user.role).toBe("support");

    expect((await run(["set-role", "--email", "cli@example.com", "--role", "admin"])).code).toBe(0);
    // A role change signs the user out: the old session no longer works.
    expect((await browser("GET", "/v1/dashboard/session", s)).status).toBe(401);
    const s2 = await signIn({ email: "cli@example.com", password: "cli-password-123" });
    expect((await browser("GET", "/v1/dashboard/session", s2)).body.user.role).toBe("admin");

    expect((await run(["disable", "--email", "cli@example.com"])).code).toBe(0);
    expect((await browser("GET", "/v1/dashboard/session", s2)).status).toBe(401);
    const refused = await browser("POST", "/v1/dashboard/session", null, {
      email: "cli@example.com",
      password: "cli-password-123",
    });
    expect(refused.status).toBe(401);
    expect((await run(["list"])).out).toMatch(/disabled\s+cli@example\.com/);

    // Each change is in the audit log as the CLI's, by OS user and host; the weak password made nothing.
    const who = `${userInfo().username}@${hostname()}`;
    const log = await api.call("GET", `/v1/audit-log?actorId=${encodeURIComponent(who)}`);
    const entries = [...log.body.data].reverse();
    expect(entries.map((e: { action: string; details: unknown }) => [e.action, e.details])).toEqual([
      ["dashboard_account.create", { role: "support" }],
      ["dashboard_account.update", { role: "admin" }],
      ["dashboard_account.update", { disabled: true }],
    ]);
    const account = JSON.parse(created.out).id;
    for (const e of entries) {
      expect(e.actor).toEqual({ via: "cli", id: who, name: `${who} (npm run admin)` });
      expect(e.target).toEqual({ type: "dashboard_account", id: account });
    }
    expect(JSON.stringify(log.body)).not.toContain("cli-password-123");
  });

  it("ADMIN_EMAIL/ADMIN_PASSWORD create the first admin at start-up, once", async () => {
    const { startApi, loadApiEnv } = await import("../src/index.ts");
    const env = {
      DATABASE_URL: api.db.url,
      REDIS_URL: api.deps.env.REDIS_URL,
      QUEUE_PREFIX: api.deps.env.QUEUE_PREFIX,
      NODE_ENV: "test",
      MIGRATE_ON_START: "false",
      PORT: "0",
      HOST: "127.0.0.1",
      ADMIN_EMAIL: "first@example.com",
      ADMIN_PASSWORD: "first-admin-password",
    };
    const running = await startApi(loadApiEnv(env));
    await running.close();
    const s = await signIn({ email: "first@example.com", password: "first-admin-password" });
    expect((await browser("GET", "/v1/dashboard/session", s)).body.user.role).toBe("admin");
    // A second start with another password leaves the existing admin alone.
    const again = await startApi(loadApiEnv({ ...env, ADMIN_PASSWORD: "another-password-9" }));
    await again.close();
    await signIn({ email: "first@example.com", password: "first-admin-password" });
  });
});
