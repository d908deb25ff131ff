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
});
