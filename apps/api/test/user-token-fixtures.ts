import { expect } from "vitest";
import type { TestApi } from "./test-api.ts";

/** The user's token, as a backend gets it to hand to that user's browser. */
export async function tokenOf(api: TestApi, userId: string): Promise<string> {
  const res = await api.call("GET", `/v1/users/${encodeURIComponent(userId)}/token`);
  expect(res.status).toBe(200);
  return res.body.token;
}

/** Headers that authenticate as the user (their token instead of the test's API key). */
export const asUser = (token: string) => ({ authorization: `Bearer ${token}` });
