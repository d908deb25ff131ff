import { getEvent, insertEvents, markEventsFailed } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall, createTestAccounts, signInAs, TEST_SUPPORT } from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
});
afterAll(() => api?.close());

async function failedEvent(routeJob?: string) {
  const [row] = await insertEvents(api.deps.db, [
    {
      type: "order_placed",
      userId: "retry-rita",
      data: {},
      priority: "high",
      ...(routeJob ? { routeJob } : {}),
    },
  ]);
  await markEventsFailed(api.deps.db, [row!.event.id], "unknown type order_shipped");
  return row!.event.id;
}

describe("POST /v1/events/:eventId/retry", () => {
  it("takes a failed event back to accepted with a route job of its own; only a failed one", async () => {
    // Routed with a group once: the retry gives it a job of its own.
    const id = await failedEvent("grp_00000000000000000000000001");
    const res = await api.call("POST", `/v1/events/${id}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id, status: "accepted" });
    expect(res.body.error).toBeUndefined();
    expect(await getEvent(api.deps.db, id)).toMatchObject({
      status: "accepted",
      error: null,
      routeJob: null,
    });
    const located = await api.deps.queues.locate("events", id, 1);
    expect(["waiting", "prioritized"]).toContain(located.state);
    expect((await located.queue.getJob(id))!.data).toEqual({ eventId: id });

    const again = await api.call("POST", `/v1/events/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("not failed");
    expect((await api.call("POST", "/v1/events/evt_00000000000000000000000000/retry")).status).toBe(404);
  });

  it("is refused to support staff, as the other queue actions are", async () => {
    const id = await failedEvent();
    const support = await signInAs(api, TEST_SUPPORT);
    const res = await browserCall(api, "POST", `/v1/events/${id}/retry`, support, undefined, {
      "x-csrf-token": support.csrf,
    });
    expect(res.status).toBe(403);
    expect((await getEvent(api.deps.db, id))?.status).toBe("failed");
  });
});
