import { getTimeline, listDevices, listEventNotifications, upsertDevice, upsertRecipient } from "@herald/db";
import { isFailedForGood } from "@herald/domain";
import { type FakeWebPush, startFakeWebPush, type WebPushSubscription } from "@herald/fakes";
import { eventually } from "@herald/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

// Web push must not be a way into the worker's own network (SSRF): with
// PUSH_ALLOW_PRIVATE_ENDPOINTS off, an endpoint on a non-public address fails
// for good and nothing reaches it. The fake push services are on loopback,
// which makes them exactly such endpoints.

/** Endpoints `https://127.0.0.1:…`: Node connects to an IP literal without a lookup. */
let byAddress: FakeWebPush;
/** Endpoints `https://localhost:…`: the worker resolves the name, through its guarded lookup. */
let byName: FakeWebPush;
let worker: TestWorker | undefined;

beforeAll(async () => {
  [byAddress, byName] = await Promise.all([startFakeWebPush(), startFakeWebPush({ host: "localhost" })]);
});
afterAll(() => Promise.all([byAddress.close(), byName.close()]));
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  for (const fake of [byAddress, byName]) fake.reset();
});

async function start(allowPrivate: boolean) {
  worker = await createTestWorker({
    PUSH_PROVIDERS: "webpush",
    PROVIDER_CA_CERT: byAddress.ca,
    VAPID_SUBJECT: "mailto:ops@herald.test",
    PUBLIC_URL: "https://herald.example.com",
    WORKER_CHANNELS: "events,push",
    ...(allowPrivate ? { PUSH_ALLOW_PRIVATE_ENDPOINTS: "true" } : {}),
  });
  return worker;
}

async function sendTo(w: TestWorker, userId: string, sub: WebPushSubscription) {
  const r = await upsertRecipient(w.deps.db, userId, {});
  await upsertDevice(w.deps.db, r.id, { kind: "webpush", address: sub.endpoint, keys: sub.keys });
  const eventId = await w.trigger("order_placed", userId, { channels: ["push"] });
  return { recipientId: r.id, eventId };
}

/** The push notification once it is done: sent, failed for good, or dead after its retries. */
function settled(w: TestWorker, eventId: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "push");
    return n && (n.status === "SENT" || n.status === "DEAD" || isFailedForGood(n)) ? n : null;
  });
}

describe("web push to non-public endpoints, PUSH_ALLOW_PRIVATE_ENDPOINTS off (the default)", () => {
  it("a name resolving to loopback fails permanently at once, and the push service hears nothing", async () => {
    const w = await start(false);
    const { recipientId, eventId } = await sendTo(w, "ssrf-name", byName.subscribe());
    const n = await settled(w, eventId);

    expect(n.status).toBe("FAILED");
    expect(n.reason).toBe("permanent_error");
    expect(n.lastError).toMatch(
      /^webpush: push endpoint resolves to a private address \(localhost → (127\.0\.0\.1|::1), loopback\); not sent \(PUSH_ALLOW_PRIVATE_ENDPOINTS=true allows it\)$/,
    );
    const failed = (await getTimeline(w.deps.db, n.id)).filter((t) => t.status === "FAILED");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toMatchObject({ code: "private_address", kind: "permanent", final: true });
    expect((await w.deps.queues.get("push").getJob(n.id))?.attemptsMade).toBe(1);
    // Not gone: the operator may allow private endpoints and keep the device.
    expect(await listDevices(w.deps.db, recipientId)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(byName.received).toEqual([]);
  });

  it("an IP-literal endpoint (no lookup at all) is refused the same way", async () => {
    const w = await start(false);
    const { eventId } = await sendTo(w, "ssrf-literal", byAddress.subscribe());
    const n = await settled(w, eventId);

    expect(n.reason).toBe("permanent_error");
    expect(n.lastError).toMatch(/^webpush: push endpoint is a private address \(127\.0\.0\.1, loopback\)/);
    await new Promise((r) => setTimeout(r, 200));
    expect(byAddress.received).toEqual([]);
  });
});

describe("PUSH_ALLOW_PRIVATE_ENDPOINTS=true", () => {
  it("delivers to the same loopback endpoint by name", async () => {
    // The control for the tests above: the endpoint works, only the guard stopped it.
    const w = await start(true);
    const { eventId } = await sendTo(w, "allowed", byName.subscribe());
    const n = await settled(w, eventId);
    expect(n.status).toBe("SENT");
    expect(byName.received.map((d) => d.status)).toEqual([201]);
  });
});
