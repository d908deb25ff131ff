import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressHash, findSuppression, suppressAddress, unsuppressAddress } from "./suppressions.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 2 });
});
afterAll(() => h?.drop());

describe("unsuppressAddress", () => {
  it("lifts a bounce, whatever the spelling of the address, and answers the row it lifted", async () => {
    const kept = await suppressAddress(h.db, {
      channel: "email",
      address: "Bo@Example.com",
      reason: "bounced",
      provider: "resend",
      notificationId: "ntf_bounce",
      detail: { bounceType: "Permanent" },
    });
    await suppressAddress(h.db, { channel: "sms", address: "+14155550120", reason: "bounced" });

    const outcome = await unsuppressAddress(h.db, "email", "  bo@example.COM ");
    expect(outcome).toEqual({ kind: "lifted", row: kept });
    expect(await findSuppression(h.db, "email", "bo@example.com")).toBeNull();
    // Another channel's row, and a repeat, are left alone.
    expect(await findSuppression(h.db, "sms", "+14155550120")).not.toBeNull();
    expect(await unsuppressAddress(h.db, "email", "bo@example.com")).toEqual({ kind: "none" });
  });

  it("keeps a complaint unless complaints are included", async () => {
    const row = await suppressAddress(h.db, {
      channel: "sms",
      address: "+1 415 555 0121",
      reason: "complained",
      provider: "twilio",
    });
    expect(await unsuppressAddress(h.db, "sms", "+14155550121")).toEqual({ kind: "complaint", row });
    expect(await findSuppression(h.db, "sms", "+14155550121")).toMatchObject({ reason: "complained" });

    expect(await unsuppressAddress(h.db, "sms", "+1-415-555-0121", { complaints: true })).toEqual({
      kind: "lifted",
      row,
    });
    expect(await findSuppression(h.db, "sms", "+14155550121")).toBeNull();
  });

  it("judges the row as it is once locked: a complaint committed meanwhile is kept", async () => {
    await suppressAddress(h.db, { channel: "email", address: "race@example.com", reason: "bounced" });
    // The webhook's upgrade to a complaint holds the row when the lift asks for it.
    let upgraded!: () => void;
    const holding = new Promise<void>((r) => {
      upgraded = r;
    });
    const webhook = h.sql.begin(async (tx) => {
      await tx`update suppressions set reason = 'complained'
        where channel = 'email' and address_hash = ${addressHash("email", "race@example.com")}`;
      await holding;
    });
    // Let the upgrade take its lock first.
    await new Promise((r) => setTimeout(r, 100));
    const lift = unsuppressAddress(h.db, "email", "race@example.com");
    await new Promise((r) => setTimeout(r, 100));
    upgraded();
    await webhook;
    expect(await lift).toMatchObject({ kind: "complaint", row: { reason: "complained" } });
    expect(await findSuppression(h.db, "email", "race@example.com")).toMatchObject({ reason: "complained" });
  });
});
