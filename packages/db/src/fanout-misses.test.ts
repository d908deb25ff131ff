import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFanoutMisses } from "./fanout.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 2 });
});
afterAll(() => h?.drop());

describe("recordFanoutMisses", () => {
  it("records a whole page of misses in statements of 100, and a re-run page adds nothing twice", async () => {
    const misses = Array.from({ length: 250 }, (_, i) => ({
      recipientId: `usr_miss${String(i).padStart(4, "0")}`,
      suppressed: [{ channel: "email" as const, reason: "opted_out" as const }],
    }));
    await recordFanoutMisses(h.db, "evt_misses", misses);
    await recordFanoutMisses(h.db, "evt_misses", misses.slice(90, 210));
    const [count] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from fanout_misses where event_id = 'evt_misses'`;
    expect(count!.n).toBe(250);
    const first = await h.sql<{ recipient_id: string }[]>`
      select recipient_id from fanout_misses where event_id = 'evt_misses' order by recipient_id limit 1`;
    expect(first[0]!.recipient_id).toBe("usr_miss0000");
  });
});
