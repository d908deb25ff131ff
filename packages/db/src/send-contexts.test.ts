import type { Channel } from "@herald/domain";
import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCES, updatePreferences } from "./preferences.ts";
import { upsertRecipient } from "./recipients.ts";
import { loadSendContexts } from "./send-contexts.ts";
import { suppressAddress } from "./suppressions.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

let seq = 0;
/** One QUEUED notification of `recipientId` on `channel`; returns its id. */
async function notificationOf(recipientId: string, channel: Channel): Promise<string> {
  const id = `ntf_ctx_${++seq}`;
  await h.sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status, content)
    values (${id}, ${`evt_ctx_${seq}`}, ${recipientId}, 'u', 'order_placed', 'transactional', ${channel},
      'normal', 'QUEUED', ${JSON.stringify({ channel })}::jsonb)`;
  return id;
}

describe("loadSendContexts", () => {
  it("brings each notification's recipient and current preferences (the defaults when none are stored)", async () => {
    const ada = await upsertRecipient(h.db, "ctx-ada", { email: "ada@example.com" });
    const bob = await upsertRecipient(h.db, "ctx-bob", { email: "bob@example.com" });
    await updatePreferences(h.db, ada.id, { categories: { marketing: { enabled: false } } });
    const [a, b] = [await notificationOf(ada.id, "email"), await notificationOf(bob.id, "email")];

    const found = await loadSendContexts(h.db, [a, b, "ntf_missing"]);
    expect([...found.keys()].sort()).toEqual([a, b].sort());
    expect(found.get(a)!.recipient?.externalId).toBe("ctx-ada");
    expect(found.get(a)!.prefs).toMatchObject({ categories: { marketing: { enabled: false } } });
    expect(found.get(b)!.prefs).toEqual(DEFAULT_PREFERENCES);
    expect(found.get(a)!.contactSuppressed).toBe(false);
  });

  it("says whether the address on the notification's own channel is suppressed, normalised as the router does", async () => {
    const cy = await upsertRecipient(h.db, "ctx-cy", {
      email: "Cy@Example.COM ",
      phone: "+1 (415) 555-0101",
    });
    const [email, sms, inApp] = [
      await notificationOf(cy.id, "email"),
      await notificationOf(cy.id, "sms"),
      await notificationOf(cy.id, "in_app"),
    ];
    const before = await loadSendContexts(h.db, [email, sms, inApp]);
    expect([email, sms, inApp].map((id) => before.get(id)!.contactSuppressed)).toEqual([false, false, false]);

    await suppressAddress(h.db, { channel: "email", address: "cy@example.com", reason: "bounced" });
    const afterEmail = await loadSendContexts(h.db, [email, sms, inApp]);
    expect([email, sms, inApp].map((id) => afterEmail.get(id)!.contactSuppressed)).toEqual([
      true,
      false,
      false,
    ]);

    await suppressAddress(h.db, { channel: "sms", address: "+14155550101", reason: "complained" });
    const afterSms = await loadSendContexts(h.db, [sms]);
    expect(afterSms.get(sms)!.contactSuppressed).toBe(true);
  });

  it("finds a suppression where PostgreSQL's normalising disagrees with the router's (a no-break space)", async () => {
    // JavaScript's trim() removes U+00A0, PostgreSQL's btrim() does not: the statement's own hash
    // misses, and the loader must look the address up again by the router's hash.
    const di = await upsertRecipient(h.db, "ctx-di", { email: "di@example.com\u00a0" });
    const id = await notificationOf(di.id, "email");
    expect((await loadSendContexts(h.db, [id])).get(id)!.contactSuppressed).toBe(false);
    await suppressAddress(h.db, { channel: "email", address: "di@example.com", reason: "bounced" });
    expect((await loadSendContexts(h.db, [id])).get(id)!.contactSuppressed).toBe(true);
  });

  it("leaves a recipient without the address, or without a row, unsuppressed", async () => {
    const ed = await upsertRecipient(h.db, "ctx-ed", { email: "ed@example.com" });
    await suppressAddress(h.db, { channel: "sms", address: "", reason: "bounced" });
    const sms = await notificationOf(ed.id, "sms");
    const orphan = await notificationOf("rcp_gone", "email");
    const found = await loadSendContexts(h.db, [sms, orphan]);
    expect(found.get(sms)!.contactSuppressed).toBe(false);
    expect(found.get(orphan)!.recipient).toBeNull();
    expect(found.get(orphan)!.contactSuppressed).toBe(false);
    expect(found.get(orphan)!.prefs).toEqual(DEFAULT_PREFERENCES);
  });
});
