import { HeraldApiError, Herald as HeraldClient, type Topic } from "@herald/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/**
 * `herald.topics`' list and delete against a real API: pages in key order
 * followed to the end by `listAll`, a literal prefix, subscriber counts as
 * the API counts them, and a delete's 204 / 404 / 403 arriving as the
 * client's answers and `HeraldApiError`s.
 */
let herald: Herald;
let client: HeraldClient;
beforeAll(async () => {
  herald = await startHerald({ workers: false });
  client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url, retryDelayMs: 20 });
});
afterAll(() => herald?.close());

async function refused(call: Promise<unknown>): Promise<HeraldApiError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeraldApiError);
  return err as HeraldApiError;
}

describe("@herald/client's topic list and delete", () => {
  it("lists topics a page at a time in key order, and listAll follows the pages to the end", async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `ct-${String(i).padStart(2, "0")}`);
    for (const [i, key] of keys.entries())
      await client.topics.subscribe(
        key,
        Array.from({ length: i + 1 }, (_, k) => `ct-user-${k}`),
      );
    await client.topics.subscribe("other", ["ct-user-0"]);

    const first = await client.topics.list({ prefix: "ct-", limit: 5 });
    expect(first.data.map((t) => t.key)).toEqual(keys.slice(0, 5));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.topics.list({ prefix: "ct-", limit: 5, cursor: first.nextCursor! });
    expect(second.data.map((t) => t.key)).toEqual(keys.slice(5, 10));

    const all: Topic[] = [];
    for await (const t of client.topics.listAll({ prefix: "ct-", limit: 5 })) all.push(t);
    expect(all.map((t) => [t.key, t.subscriberCount])).toEqual(keys.map((k, i) => [k, i + 1]));
    expect(all[3]).toEqual(await client.topics.get("ct-03"));
    // No prefix: every topic, "other" included.
    const everything: string[] = [];
    for await (const t of client.topics.listAll({ limit: 200 })) everything.push(t.key);
    expect(everything).toEqual([...keys, "other"]);
    // `_` in a prefix is a character, not a wildcard.
    await client.topics.subscribe("ct_x", ["ct-user-0"]);
    expect((await client.topics.list({ prefix: "ct_" })).data.map((t) => t.key)).toEqual(["ct_x"]);
  });

  it("deletes a topic with its subscriptions; an unknown one is not_found, a read-only key forbidden", async () => {
    await client.topics.subscribe("ct-doomed", ["ct-d1", "ct-d2"]);
    expect(await client.topics.delete("ct-doomed")).toBeUndefined();
    expect(await refused(client.topics.get("ct-doomed"))).toMatchObject({ status: 404, code: "not_found" });
    expect(await refused(client.topics.delete("ct-doomed"))).toMatchObject({
      status: 404,
      code: "not_found",
      requestId: expect.stringMatching(/^req_/),
    });
    // The users stay, on no topic.
    expect((await client.users.topics("ct-d1")).data).toEqual([]);

    await client.topics.subscribe("ct-kept", ["ct-d1"]);
    const { key } = await client.apiKeys.create({ name: "reader", scopes: ["read"] });
    const reader = new HeraldClient({ apiKey: key, baseUrl: herald.url, retryDelayMs: 20 });
    expect((await reader.topics.list({ prefix: "ct-kept" })).data).toMatchObject([
      { key: "ct-kept", subscriberCount: 1 },
    ]);
    expect(await refused(reader.topics.delete("ct-kept"))).toMatchObject({ status: 403, code: "forbidden" });
    expect((await client.topics.get("ct-kept")).subscriberCount).toBe(1);
  });
});
