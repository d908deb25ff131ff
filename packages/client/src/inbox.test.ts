import { describe, expect, it } from "vitest";
import { Herald } from "./herald.ts";

/** A client whose requests are recorded and answered as the bulk `seen` route would, without an API. */
function seenClient(alreadySeen: ReadonlySet<string> = new Set()) {
  const bodies: string[][] = [];
  let unseen = 250;
  const herald = new Herald({
    apiKey: "hk_test_inbox",
    baseUrl: "http://herald.invalid",
    maxRetries: 0,
    fetch: async (input, init) => {
      expect(`${init?.method} ${new URL(String(input)).pathname}`).toBe("POST /v1/users/ada/inbox/seen");
      const { ids } = JSON.parse(String(init?.body)) as { ids: string[] };
      bodies.push(ids);
      const changed = ids.filter((id) => !alreadySeen.has(id));
      unseen -= changed.length;
      return Response.json({
        updated: changed.length,
        ids: changed,
        counts: { unread: 250, unseen, total: 250 },
      });
    },
  });
  return { herald, bodies };
}

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `ntf_${i}`);

describe("herald.inbox.markSeen with a list", () => {
  it("sends up to 100 ids in one request, as given", async () => {
    const { herald, bodies } = seenClient();
    const r = await herald.inbox.markSeen("ada", idsOf(100));
    expect(bodies).toEqual([idsOf(100)]);
    expect(r).toMatchObject({ updated: 100, counts: { unseen: 150 } });
  });

  it("sends more 100 at a time, in order, summing what changed and keeping the last counts", async () => {
    const { herald, bodies } = seenClient(new Set(["ntf_3", "ntf_150"]));
    const r = await herald.inbox.markSeen("ada", idsOf(201));
    expect(bodies.map((b) => b.length)).toEqual([100, 100, 1]);
    expect(bodies.flat()).toEqual(idsOf(201));
    expect(r.updated).toBe(199);
    expect(r.ids).toEqual(idsOf(201).filter((id) => id !== "ntf_3" && id !== "ntf_150"));
    expect(r.counts).toEqual({ unread: 250, unseen: 51, total: 250 });
  });
});
