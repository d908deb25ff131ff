import { getTimeline, listEventNotifications, sql } from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSentWriter } from "../src/reliability/sent-writer.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let worker: TestWorker;
beforeAll(async () => {
  worker = await createTestWorker({ WORKER_CHANNELS: "events" });
});
afterAll(() => worker.close());

describe("the batched SENT writer", () => {
  it("records many concurrent SENTs in few statements, each with its own fields and timeline entry", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const eventId = await worker.trigger("order_placed", `sw-${i}`, { channels: ["email"] });
      ids.push((await eventually(async () => (await listEventNotifications(worker.deps.db, eventId))[0])).id);
    }
    const suppressed = ids[0]!;
    await worker.deps.db.execute(
      sql`update notifications set status = 'SUPPRESSED' where id = ${suppressed}`,
    );

    let statements = 0;
    const counting = new Proxy(worker.deps.db, {
      get(target, prop, receiver) {
        if (prop === "execute") statements++;
        return Reflect.get(target, prop, receiver);
      },
    });
    const writer = createSentWriter(counting);
    const at = new Date("2030-01-02T03:04:05.000Z");
    const moved = await Promise.all(
      ids.map((id, i) =>
        writer.write({ id, provider: "p", providerMessageId: `m-${i}`, sentAt: at, detail: { attempt: 1 } }),
      ),
    );
    expect(moved).toEqual([false, ...Array(39).fill(true)]); // a suppressed one stays suppressed
    expect(statements).toBeLessThanOrEqual(2);
    const rows = await worker.deps.db.execute<{ id: string; status: string; provider_message_id: string }>(
      sql`select id, status, provider_message_id from notifications where id = ${ids[7]!}`,
    );
    expect(rows[0]).toMatchObject({ status: "SENT", provider_message_id: "m-7" });
    const timeline = await getTimeline(worker.deps.db, ids[7]!);
    expect(timeline.at(-1)).toMatchObject({ status: "SENT", detail: { attempt: 1 } });
    expect(timeline.at(-1)!.at.toISOString()).toBe(at.toISOString());
    expect((await getTimeline(worker.deps.db, suppressed)).map((t) => t.status)).not.toContain("SENT");
    // A second SENT for the same notification changes nothing.
    expect(
      await writer.write({ id: ids[7]!, provider: "p", providerMessageId: "again", sentAt: at, detail: {} }),
    ).toBe(false);
  });
});
