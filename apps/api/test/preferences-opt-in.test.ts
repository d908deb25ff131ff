import { getPreferences, getRecipient } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ OPT_IN_CATEGORIES: "marketing", OPT_IN_CHANNELS: "sms" });
});
afterAll(() => api.close());

const prefsOf = (userId: string) => `/v1/users/${userId}/preferences`;
const OPT_IN = { categories: ["marketing"], channels: ["sms"] };

describe("preferences with opt-in categories and channels", () => {
  it("shows what is opt-in, to a user id not seen yet too, without storing it", async () => {
    const unseen = await api.call("GET", prefsOf("nobody-yet"));
    expect(unseen.status).toBe(200);
    expect(unseen.body.optIn).toEqual(OPT_IN);

    const put = await api.call("PUT", prefsOf("olga"), { categories: { marketing: { enabled: true } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ categories: { marketing: { enabled: true } }, optIn: OPT_IN });
    const stored = await getPreferences(api.deps.db, (await getRecipient(api.deps.db, "olga"))!.id);
    expect(stored).not.toHaveProperty("optIn");
  });

  it("takes a GET's whole answer back in a PUT, and ignores its optIn", async () => {
    await api.call("PUT", prefsOf("rory"), {
      channels: { sms: true },
      categories: { marketing: { enabled: true, digest: "daily" } },
      quietHours: { start: "22:00", end: "07:00", timezone: "Europe/Paris" },
    });
    const got = await api.call("GET", prefsOf("rory"));
    const edited = {
      ...got.body,
      categories: { ...got.body.categories, product: { enabled: false } },
      optIn: { categories: ["product", "social"], channels: [] },
    };
    const back = await api.call("PUT", prefsOf("rory"), edited);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ ...got.body, categories: edited.categories });
    expect(back.body.optIn).toEqual(OPT_IN);
  });

  it("refuses an optIn that is not the GET's shape, naming the field", async () => {
    const res = await api.call("PUT", prefsOf("rory"), { optIn: { categories: "marketing" } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/optIn/);
  });

  it("answers the user's own token the same", async () => {
    expect((await api.call("PUT", "/v1/users/ursula", { email: "ursula@example.com" })).status).toBe(200);
    const token = await tokenOf(api, "ursula");
    const got = await api.call("GET", prefsOf("ursula"), undefined, asUser(token));
    expect(got.status).toBe(200);
    expect(got.body.optIn).toEqual(OPT_IN);
    const yes = await api.call(
      "PUT",
      prefsOf("ursula"),
      { ...got.body, categories: { marketing: { enabled: true } } },
      asUser(token),
    );
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ categories: { marketing: { enabled: true } }, optIn: OPT_IN });
  });
});
