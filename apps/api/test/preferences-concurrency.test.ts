import { DEV_UNSUBSCRIBE_SECRET, signUnsubscribeToken } from "@herald/unsubscribe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

/** Partial updates that each touch a different part (two touch different keys of one category). */
const PATCHES = [
  { channels: { sms: false } },
  { channels: { push: false } },
  { categories: { marketing: { enabled: false } } },
  { categories: { marketing: { digest: "weekly" } } },
  { categories: { transactional: { digest: "daily" } } },
  { types: { order_placed: { enabled: false } } },
  { quietHours: { start: "22:00", end: "07:00" } },
  { digestTime: "08:30" },
];

/** All of PATCHES plus the one-click unsubscribe from marketing e-mail. */
const EVERY_CHANGE = {
  channels: { sms: false, push: false },
  categories: {
    marketing: { enabled: false, digest: "weekly", channels: { email: false } },
    transactional: { digest: "daily" },
  },
  types: { order_placed: { enabled: false } },
  quietHours: { start: "22:00", end: "07:00" },
  digestTime: "08:30",
  unsubscribedAll: false,
  optIn: { categories: [], channels: [] },
};

const ROUNDS = 8;

describe("concurrent partial preference updates", () => {
  it("keep every change, the one-click unsubscribe's opt-out included", async () => {
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const userId = `racer-${round}`;
      const user = await api.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com` });
      expect(user.status).toBe(200);
      const unsubscribe = signUnsubscribeToken(DEV_UNSUBSCRIBE_SECRET, {
        recipientId: user.body.id,
        categories: ["marketing"],
      });
      const answers = await Promise.all([
        ...PATCHES.map((patch) => api.call("PUT", `/v1/users/${userId}/preferences`, patch)),
        api.app.request(`/unsubscribe/${unsubscribe}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        }),
      ]);
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      const stored = await api.call("GET", `/v1/users/${userId}/preferences`);
      try {
        expect(stored.body).toEqual(EVERY_CHANGE);
      } catch {
        lost.push(`round ${round}: ${JSON.stringify(stored.body)}`);
      }
    }
    expect(lost).toEqual([]);
  });
});
