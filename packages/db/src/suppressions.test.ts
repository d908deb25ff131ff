import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addManualSuppression,
  addressHash,
  findSuppression,
  suppressAddress,
  unsuppressAddress,
} from "./suppressions.ts";

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

describe("addManualSuppression", () => {
  const by = { via: "api_key" as const, id: "key_support", name: "support tools" };

  it("adds a `manual` row with its note and author, and answers it again unchanged for any spelling", async () => {
    const at = new Date("2026-04-01T08:00:00Z");
    const first = await addManualSuppression(h.db, {
      channel: "sms",
      address: "+1 (415) 555-0130",
      note: "number reassigned",
      by,
      at,
    });
    expect(first).toEqual({
      created: true,
      row: expect.objectContaining({
        channel: "sms",
        reason: "manual",
        provider: null,
        notificationId: null,
        note: "number reassigned",
        suppressedBy: by,
        createdAt: at,
      }),
    });
    const again = await addManualSuppression(h.db, {
      channel: "sms",
      address: "+14155550130",
      note: "another note",
      by: { via: "dashboard", id: "usr_other", name: "sam@example.com" },
    });
    expect(again).toEqual({ created: false, row: first.row });
    // Lifted like a bounce: no force needed.
    expect(await unsuppressAddress(h.db, "sms", "+14155550130")).toMatchObject({ kind: "lifted" });
  });

  it("answers an address the providers suppressed as it is: a complaint stays a complaint, a bounce a bounce", async () => {
    const complaint = await suppressAddress(h.db, {
      channel: "email",
      address: "spam@example.com",
      reason: "complained",
      provider: "resend",
    });
    const bounce = await suppressAddress(h.db, {
      channel: "email",
      address: "gone@example.com",
      reason: "bounced",
    });
    for (const row of [complaint, bounce]) {
      const address = row === complaint ? "Spam@Example.com" : "gone@example.com";
      expect(await addManualSuppression(h.db, { channel: "email", address, note: "legal", by })).toEqual({
        created: false,
        row,
      });
    }
    expect(await findSuppression(h.db, "email", "spam@example.com")).toEqual(complaint);
  });

  it("keeps `manual` and its note when the address bounces afterwards; a complaint outranks it", async () => {
    await addManualSuppression(h.db, { channel: "email", address: "held@example.com", note: "legal", by });
    const bounced = await suppressAddress(h.db, {
      channel: "email",
      address: "held@example.com",
      reason: "bounced",
      provider: "resend",
      notificationId: "ntf_inflight",
    });
    expect(bounced).toMatchObject({ reason: "manual", note: "legal", suppressedBy: by, provider: "resend" });
    const complained = await suppressAddress(h.db, {
      channel: "email",
      address: "held@example.com",
      reason: "complained",
      provider: "resend",
    });
    expect(complained).toMatchObject({ reason: "complained", note: "legal", suppressedBy: by });
  });
});
