import { HeraldApiError, Herald as HeraldClient, type Suppression } from "@herald/client";
import { BOOTSTRAP_KEY_NAME, suppressAddress } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/**
 * `herald.suppressions` against a real API: every suppression route, by user
 * and by address, with the API's answers arriving typed (entries as the API
 * lists them, 404/409/422 as `HeraldApiError`s, a lookup's 404 as null).
 */
let herald: Herald;
let client: HeraldClient;
beforeAll(async () => {
  herald = await startHerald({ workers: false });
  client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url, retryDelayMs: 20 });
});
afterAll(() => herald?.close());

const api = async (path: string) => (await herald.call("GET", path)).body;

async function refused(call: Promise<unknown>): Promise<HeraldApiError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeraldApiError);
  return err as HeraldApiError;
}

describe("@herald/client's suppression methods", () => {
  it("adds, lists and lifts the suppression of a user's current number; a repeated add answers the same entry", async () => {
    await client.users.upsert("sup-ria", { email: "ria@example.com", phone: "+14155550301" });
    expect(await client.suppressions.list("sup-ria")).toEqual([]);

    const added: Suppression = await client.suppressions.add("sup-ria", "sms", { note: "Number reassigned" });
    expect(added).toEqual({
      channel: "sms",
      reason: "manual",
      provider: null,
      notificationId: null,
      detail: null,
      note: "Number reassigned",
      suppressedBy: { via: "api_key", id: expect.stringMatching(/^key_/), name: BOOTSTRAP_KEY_NAME },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await client.suppressions.add("sup-ria", "sms")).toEqual(added);
    const listed = await client.suppressions.list("sup-ria");
    expect(listed).toEqual([added]);
    expect(listed).toEqual((await api("/v1/users/sup-ria/suppressions")).data);

    expect(await client.suppressions.lift("sup-ria", "sms")).toEqual(added);
    expect(await client.suppressions.list("sup-ria")).toEqual([]);
    expect(await refused(client.suppressions.lift("sup-ria", "sms"))).toMatchObject({
      status: 404,
      code: "not_found",
    });
  });

  it("answers an unknown user 404 and a channel the user has no address on 422, naming the field", async () => {
    expect(await refused(client.suppressions.add("sup-nobody", "email"))).toMatchObject({
      status: 404,
      code: "not_found",
    });
    await client.users.upsert("sup-nia", { email: "nia@example.com" });
    const none = await refused(client.suppressions.add("sup-nia", "sms", { note: "gone" }));
    expect(none).toMatchObject({ status: 422, code: "validation_failed" });
    expect(none.details?.map((d) => d.path)).toEqual(["channel"]);
  });

  it("keeps a spam complaint: an add answers it unchanged, a lift needs force", async () => {
    await client.users.upsert("sup-cam", { email: "cam@example.com" });
    await suppressAddress(herald.db.db, {
      channel: "email",
      address: "Cam@Example.com",
      reason: "complained",
      provider: "resend",
    });
    expect(await client.suppressions.add("sup-cam", "email", { note: "legal" })).toMatchObject({
      reason: "complained",
      note: null,
    });
    expect(await refused(client.suppressions.lift("sup-cam", "email"))).toMatchObject({
      status: 409,
      code: "conflict",
    });
    expect(await client.suppressions.lift("sup-cam", "email", { force: true })).toMatchObject({
      reason: "complained",
    });
    expect(await client.suppressions.list("sup-cam")).toEqual([]);
  });

  it("adds, looks up and lifts an address no user has, whatever its spelling; a lookup of one not suppressed is null", async () => {
    const address = { channel: "sms" as const, address: "+14155550302" };
    expect(await client.suppressions.lookup(address)).toBeNull();

    const added = await client.suppressions.addAddress(
      { channel: "sms", address: "+1 (415) 555-0302" },
      { note: "Legal request (case 77)" },
    );
    expect(added).toMatchObject({ channel: "sms", reason: "manual", note: "Legal request (case 77)" });
    expect(await client.suppressions.lookup(address)).toEqual(added);
    expect(await client.suppressions.addAddress(address, { note: "again" })).toEqual(added);

    expect(await client.suppressions.liftAddress({ channel: "sms", address: "+1-415-555-0302" })).toEqual(
      added,
    );
    expect(await client.suppressions.lookup(address)).toBeNull();
    expect(await refused(client.suppressions.liftAddress(address))).toMatchObject({
      status: 404,
      code: "not_found",
    });
  });

  it("passes force on an address's lift, and the API's 422s on a bad address or a push channel", async () => {
    await suppressAddress(herald.db.db, {
      channel: "email",
      address: "spam@example.com",
      reason: "complained",
    });
    const email = { channel: "email" as const, address: "spam@example.com" };
    expect(await refused(client.suppressions.liftAddress(email))).toMatchObject({ status: 409 });
    expect(await client.suppressions.liftAddress(email, { force: true })).toMatchObject({
      reason: "complained",
    });

    const bad = await refused(
      client.suppressions.addAddress({ channel: "email", address: "not-an-address" }),
    );
    expect(bad).toMatchObject({ status: 422, code: "validation_failed" });
    expect(bad.details?.map((d) => d.path)).toEqual(["address"]);
    // The types refuse push; a caller without them gets the API's answer.
    const push = { channel: "push", address: "https://push.example.test/x" } as unknown as typeof email;
    const refusedPush = await refused(client.suppressions.addAddress(push));
    expect(refusedPush.message).toMatch(/push device is not suppressed but removed/);
  });
});
