import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latencyByWindow } from "./delivery-stats.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(() => h?.drop());

const from = new Date("2026-12-05T10:00:00.000Z");
const at = (ms: number) => new Date(from.getTime() + ms).toISOString();

/** One event accepted `acceptedMs` after `from`, with one notification sent `latencyMs` later (null: unsent). */
async function delivered(id: string, priority: string, acceptedMs: number, latencyMs: number | null) {
  await h.sql`insert into events (id, type, data, priority, created_at)
    values (${`evt_${id}`}, 'order_placed', '{}', ${priority}, ${at(acceptedMs)})`;
  await h.sql`insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority,
      status, content, created_at, sent_at)
    values (${`ntf_${id}`}, ${`evt_${id}`}, 'rcp_w', 'u_w', 'order_placed', 'transactional', 'sms', ${priority},
      ${latencyMs === null ? "QUEUED" : "SENT"}, '{}', ${at(acceptedMs)},
      ${latencyMs === null ? null : at(acceptedMs + latencyMs)})`;
}

describe("latencyByWindow", () => {
  it("gives each priority's p99 per window of acceptance, leaving out unsent rows and other times", async () => {
    await h.sql`insert into recipients (id, external_id) values ('rcp_w', 'u_w')`;
    await delivered("a", "normal", 1_000, 100);
    await delivered("b", "normal", 9_500, 300);
    await delivered("c", "normal", 12_000, 2_000);
    await delivered("d", "critical", 15_000, 40);
    await delivered("e", "normal", 16_000, null);
    await delivered("f", "normal", 31_000, 9_000); // accepted after `to`
    await delivered("g", "normal", -500, 9_000); // before `from`

    const windows = await latencyByWindow(h, from, new Date(from.getTime() + 30_000), 10);

    expect(windows).toEqual([
      { atS: 0, priority: "normal", count: 2, p99: 300 },
      { atS: 10, priority: "critical", count: 1, p99: 40 },
      { atS: 10, priority: "normal", count: 1, p99: 2_000 },
    ]);
  });
});
