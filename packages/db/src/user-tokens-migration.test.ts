import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrate.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

describe("migration 0014: user ids erased before it", () => {
  it("refuse their erased users' tokens from the erase on, and leave everyone else's alone", async () => {
    await h.sql`insert into recipients (id, external_id, erased_at) values
      ('usr_tok_gone', 'gone', '2026-11-01T10:00:00Z'), ('usr_tok_live', 'live', null)`;
    // The table already has the column (the test database is migrated): run what follows the ALTER.
    const [, backfill] = readFileSync(
      join(MIGRATIONS_FOLDER, "0014_user_tokens_valid_from.sql"),
      "utf8",
    ).split("--> statement-breakpoint");
    await h.sql`update recipients set tokens_valid_from = null where id like 'usr_tok_%'`;
    await h.sql.unsafe(backfill!);
    const rows = await h.sql<{ id: string; same: boolean | null }[]>`
      select id, tokens_valid_from = erased_at as same from recipients where id like 'usr_tok_%' order by id`;
    expect(rows).toEqual([
      { id: "usr_tok_gone", same: true },
      { id: "usr_tok_live", same: null },
    ]);
  });
});
