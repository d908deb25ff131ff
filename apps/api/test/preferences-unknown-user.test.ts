import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const prefsOf = (userId: string) => `/v1/users/${userId}/preferences`;
/**
 * What a user with nothing stored reads: every channel, category and type on, as the catalog
 * sends them, and the digest time in effect (09:00 until the user sets one).
 */
const DEFAULTS = {
  channels: {},
  categories: {},
  types: {},
  quietHours: null,
  digestTime: "09:00",
  unsubscribedAll: false,
  optIn: { categories: [], channels: [] },
};

const recipientsNamed = (userId: string) =>
  api.db.sql`select id, erased_at from recipients where external_id = ${userId}`;
const storedPreferences = (recipientId: string) =>
  api.db.sql`select 1 from preferences where recipient_id = ${recipientId}`;

describe("preferences of a user id Herald has not seen yet", () => {
  it("reads as the defaults, with the user's token or an API key, and creates no one", async () => {
    const token = await tokenOf(api, "newcomer");
    const own = await api.call("GET", prefsOf("newcomer"), undefined, asUser(token));
    expect(own.status).toBe(200);
    expect(own.body).toEqual(DEFAULTS);
    const backend = await api.call("GET", prefsOf("newcomer"));
    expect(backend.status).toBe(200);
    expect(backend.body).toEqual(DEFAULTS);
    // The same document a known user with nothing stored reads.
    await api.call("PUT", "/v1/users/known", { email: "known@example.com" });
    expect((await api.call("GET", prefsOf("known"))).body).toEqual(DEFAULTS);

    expect(await recipientsNamed("newcomer")).toEqual([]);
    expect((await api.call("GET", "/v1/users/newcomer")).status).toBe(404);
  });

  it("is created by the user's first change, as before", async () => {
    const token = await tokenOf(api, "first-change");
    const put = await api.call("PUT", prefsOf("first-change"), { channels: { sms: false } }, asUser(token));
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...DEFAULTS, channels: { sms: false } });
    expect(await recipientsNamed("first-change")).toHaveLength(1);
    expect((await api.call("GET", prefsOf("first-change"), undefined, asUser(token))).body).toEqual(put.body);
  });
});

describe("preferences of an erased user id", () => {
  it("answer 404 to GET and PUT with a key, 401 to the erased user's token, and store nothing for a later owner of the id", async () => {
    const first = await api.call("PUT", "/v1/users/erased-pat", { email: "pat@example.com" });
    await api.call("PUT", prefsOf("erased-pat"), { categories: { marketing: { enabled: false } } });
    const token = await tokenOf(api, "erased-pat");
    expect((await api.call("DELETE", "/v1/users/erased-pat")).status).toBe(204);

    for (const [auth, status, code, message] of [
      [{}, 404, "not_found", /erased/],
      // A stale browser tab of the erased user must not bring the user id back, nor leave anything behind.
      [asUser(token), 401, "unauthorized", /was revoked/],
    ] as const) {
      const got = await api.call("GET", prefsOf("erased-pat"), undefined, auth);
      expect(got.status).toBe(status);
      expect(got.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
      const put = await api.call("PUT", prefsOf("erased-pat"), { unsubscribedAll: true }, auth);
      expect(put.status).toBe(status);
      expect(put.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    const [placeholder] = await recipientsNamed("erased-pat");
    expect(placeholder!.erased_at).not.toBeNull();
    expect(await storedPreferences(placeholder!.id)).toEqual([]);

    // Re-creating the user is the app's call (PUT /v1/users): a fresh recipient with default
    // preferences, which the erased user's token does not open; a token issued now does.
    const second = await api.call("PUT", "/v1/users/erased-pat", { email: "new-pat@example.com" });
    expect(second.body.id).not.toBe(first.body.id);
    expect((await api.call("GET", prefsOf("erased-pat"), undefined, asUser(token))).status).toBe(401);
    const owner = (await api.call("GET", "/v1/users/erased-pat/token?expiresIn=1h")).body.token;
    const fresh = await api.call("GET", prefsOf("erased-pat"), undefined, asUser(owner));
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual(DEFAULTS);
    expect(
      (await api.call("PUT", prefsOf("erased-pat"), { unsubscribedAll: true }, asUser(owner))).status,
    ).toBe(200);
  });
});
