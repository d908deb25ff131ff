import { createDashboardUser } from "@herald/db";
import { expect } from "vitest";
import type { TestApi } from "./test-api.ts";

/** The admin and the support agent the dashboard tests sign in as. */
export const TEST_ADMIN = { email: "ada@example.com", password: "admin-password-123" };
export const TEST_SUPPORT = { email: "sam@example.com", password: "support-password-123" };

/** Creates the dashboard accounts of {@link TEST_ADMIN} and {@link TEST_SUPPORT} (or the ones given). */
export async function createTestAccounts(
  api: TestApi,
  admin = TEST_ADMIN,
  support = TEST_SUPPORT,
): Promise<void> {
  await createDashboardUser(api.deps.db, { ...admin, role: "admin" });
  await createDashboardUser(api.deps.db, { ...support, role: "support" });
}

/** A signed-in dashboard browser: its cookies and CSRF token. */
export interface Signed {
  cookie: string;
  csrf: string;
  setCookies: string[];
}

/** A browser-like request: cookies and optional CSRF header, never an API key. */
export async function browserCall(
  api: TestApi,
  method: string,
  path: string,
  s?: Signed | null,
  body?: unknown,
  headers = {},
) {
  const res = await api.app.request(path, {
    method,
    headers: {
      ...(s ? { cookie: s.cookie } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Signs in through `POST /v1/dashboard/session`, as the dashboard's login page does. */
export async function signInAs(api: TestApi, who: { email: string; password: string }): Promise<Signed> {
  const res = await browserCall(api, "POST", "/v1/dashboard/session", null, who);
  expect(res.status).toBe(200);
  const setCookies = res.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(";")[0]).join("; ");
  return { cookie, csrf: res.body.csrfToken, setCookies };
}
