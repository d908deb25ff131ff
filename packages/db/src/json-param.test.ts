import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "./client.ts";
import { driverSendsRawParams, jsonArrayBytes, jsonArrayParam } from "./json-param.ts";
import { insertNotifications } from "./notifications.ts";

let database: TestDatabase;
let h: DbHandle;
beforeAll(async () => {
  database = await testDatabase();
  h = createDb(database.url, { max: 2 });
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

// Two-byte and astral characters, a lone surrogate (JSON.stringify escapes it), quotes, backslashes,
// control characters, react-email's zero-width preview padding, and a value past the scratch buffer.
const tricky = [
  {
    channel: "email",
    subject: "Total – 59,90 € “now”",
    html: `<p>\u200b\u200c\u200d\ufeff 🎉 \ud800 "q" \\ </p>`,
  },
  { channel: "sms", text: "line\nbreak\ttab\u0000nul\u2028sep" },
  null,
  { channel: "email", subject: "big", html: "é–".repeat(700_000), text: "x".repeat(10) },
];

describe("jsonArrayBytes", () => {
  it("writes what JSON.stringify writes, in UTF-8", () => {
    expect(jsonArrayBytes(tricky).toString("utf8")).toBe(JSON.stringify(tricky));
    expect(jsonArrayBytes([]).toString("utf8")).toBe("[]");
    expect(jsonArrayBytes([undefined, 1]).toString("utf8")).toBe(JSON.stringify([undefined, 1]));
  });

  it("writes an outsized array, and the next ones after it", () => {
    const huge = ["a".repeat(6_000_000), "€"];
    expect(jsonArrayBytes(huge).toString("utf8")).toBe(JSON.stringify(huge));
    expect(jsonArrayBytes(tricky).toString("utf8")).toBe(JSON.stringify(tricky));
  });

  it("returns its own bytes: a later call does not change an earlier result", () => {
    const first = jsonArrayBytes([{ a: "first" }]);
    jsonArrayBytes([{ a: "second, and longer" }]);
    expect(first.toString("utf8")).toBe('[{"a":"first"}]');
  });
});

describe("jsonArrayParam", () => {
  it("is sent as bytes: the postinstall patch is in place", () => {
    expect(driverSendsRawParams).toBe(true);
  });

  it.each([true, false])("reaches PostgreSQL as the same JSON (raw %s)", async (raw) => {
    const param = jsonArrayParam(h.sql, tricky, raw);
    expect(typeof param === "string").toBe(!raw);
    // Several at once, so some wait for a connection while later ones are built.
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        () => h.sql<{ v: unknown[] }[]>`select ${jsonArrayParam(h.sql, tricky, raw)}::json as v`,
      ),
    );
    const expected = JSON.parse(JSON.stringify(tricky));
    for (const [row] of results) expect(row!.v).toEqual(expected);
  });

  it("carries rendered content into stored notifications unchanged", async () => {
    const content = tricky[0]!;
    const [created] = await insertNotifications(h.db, [
      {
        id: "ntf_rawparam1",
        eventId: "evt_rawparam1",
        recipientId: "rcp_rawparam1",
        userId: "u_rawparam1",
        type: "order_placed",
        category: "transactional",
        channel: "email",
        priority: "normal",
        status: "QUEUED",
        content: content as never,
      },
    ]);
    expect(created!.id).toBe("ntf_rawparam1");
    const [row] = await h.sql<
      { content: unknown }[]
    >`select content from notifications where id = 'ntf_rawparam1'`;
    expect(row!.content).toEqual(JSON.parse(JSON.stringify(content)));
  });
});
