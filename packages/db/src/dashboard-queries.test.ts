import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchRecipients } from "./dashboard-queries.ts";
import { eraseRecipient } from "./erase-recipient.ts";
import { upsertRecipient } from "./recipients.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 2 });
});
afterAll(() => h?.drop());

describe("searchRecipients", () => {
  it("finds by part of the user id, e-mail or phone, and by the exact Herald id; never an erased user", async () => {
    const ada = await upsertRecipient(h.db, "ada-lovelace", {
      email: "ada@example.com",
      phone: "+14155550100",
    });
    await upsertRecipient(h.db, "bob", { email: "bob@example.org" });
    const ids = async (q: string) => (await searchRecipients(h.db, q, 10)).map((r) => r.externalId).sort();
    expect(await ids("LOVE")).toEqual(["ada-lovelace"]);
    expect(await ids("example.org")).toEqual(["bob"]);
    expect(await ids("5550100")).toEqual(["ada-lovelace"]);
    expect(await ids(ada.id)).toEqual(["ada-lovelace"]);
    expect(await ids(` ${ada.id} `)).toEqual(["ada-lovelace"]);
    expect(await ids("usr_")).toEqual([]);
    await eraseRecipient(h.db, "bob");
    expect(await ids("bob")).toEqual([]);
  });

  it("pages by cursor, newest first, without repeating or skipping a match updated between pages", async () => {
    for (let i = 0; i < 7; i++) await upsertRecipient(h.db, `pager-${i}`, {});
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const rows = await searchRecipients(h.db, "pager-", 3, after);
      seen.push(...rows.map((r) => r.externalId));
      if (rows.length < 3) break;
      after = rows[rows.length - 1]!.id;
      // Support (or the app) edits a user on a later page, and the one the cursor names, meanwhile.
      if (page === 0) {
        await upsertRecipient(h.db, "pager-1", { email: "pager1@example.com" });
        await upsertRecipient(h.db, "pager-4", { email: "pager4@example.com" });
      }
    }
    expect(seen).toEqual(["pager-6", "pager-5", "pager-4", "pager-3", "pager-2", "pager-1", "pager-0"]);
  });
});
