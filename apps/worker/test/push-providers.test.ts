import { randomBytes } from "node:crypto";
import {
  getTimeline,
  listDevices,
  listEventNotifications,
  type NewDevice,
  upsertDevice,
  upsertRecipient,
  vapidPublicKey,
} from "@herald/db";
import {
  type FakeApns,
  type FakeFcm,
  type FakeWebPush,
  startFakeApns,
  startFakeFcm,
  startFakeWebPush,
} from "@herald/fakes";
import { eventually } from "@herald/testkit";
import { verifyTrackingToken } from "@herald/tracking";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let webPush: FakeWebPush;
let fcm: FakeFcm;
let apns: FakeApns;
let worker: TestWorker | undefined;

beforeAll(async () => {
  [webPush, fcm, apns] = await Promise.all([startFakeWebPush(), startFakeFcm(), startFakeApns()]);
});
afterAll(async () => {
  await Promise.all([webPush.close(), fcm.close(), apns.close()]);
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  for (const f of [webPush, fcm, apns]) f.reset();
});

const PUBLIC_URL = "https://herald.example.com";

async function start() {
  worker = await createTestWorker({
    PUSH_PROVIDERS: "webpush,fcm,apns",
    // The fakes' self-signed certificate, trusted for this worker only.
    PROVIDER_CA_CERT: webPush.ca,
    // The fake push service is on loopback, which web push refuses by default.
    PUSH_ALLOW_PRIVATE_ENDPOINTS: "true",
    VAPID_SUBJECT: "mailto:ops@herald.test",
    FCM_SERVICE_ACCOUNT: JSON.stringify(fcm.serviceAccount),
    FCM_BASE_URL: fcm.url,
    APNS_KEY: apns.credentials.key,
    APNS_KEY_ID: apns.credentials.keyId,
    APNS_TEAM_ID: apns.credentials.teamId,
    APNS_TOPIC: "com.herald.test",
    APNS_BASE_URL: apns.url,
    PUBLIC_URL,
    WORKER_CHANNELS: "events,push",
  });
  return worker;
}

async function withDevices(w: TestWorker, userId: string, devices: NewDevice[]) {
  const r = await upsertRecipient(w.deps.db, userId, {});
  return { recipient: r, devices: await Promise.all(devices.map((d) => upsertDevice(w.deps.db, r.id, d))) };
}

const webDevice = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }): NewDevice => ({
  kind: "webpush",
  address: sub.endpoint,
  keys: sub.keys,
});
const apnsToken = () => randomBytes(32).toString("hex");

async function pushNotification(w: TestWorker, eventId: string, status: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "push");
    return n?.status === status ? n : null;
  });
}

type PushContent = { title: string; body: string; url?: string };

describe("web push", () => {
  it("reaches a local HTTPS push endpoint that decrypts it with http_ece to the exact rendered payload", async () => {
    const w = await start();
    const sub = webPush.subscribe();
    await withDevices(w, "ada", [webDevice(sub)]);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "ada", { channels: ["push"] }),
      "SENT",
    );

    const [delivery] = webPush.received;
    const c = n.content as PushContent;
    expect(delivery!.status).toBe(201);
    const payload = JSON.parse(delivery!.payload ?? "{}");
    expect(delivery!.payload).toBe(
      JSON.stringify({
        notificationId: n.id,
        type: "order_placed",
        title: c.title,
        body: c.body,
        url: c.url,
        clickUrl: payload.clickUrl,
      }),
    );
    // The click report is signed for this notification, with the secret the API checks it with.
    const clickUrl = new URL(payload.clickUrl);
    expect(`${clickUrl.origin}${clickUrl.pathname}`).toBe(`${PUBLIC_URL}/v1/push/clicks`);
    expect(
      verifyTrackingToken(w.deps.env.trackingSecret, "push", clickUrl.searchParams.get("token")!),
    ).toEqual({
      notificationId: n.id,
    });
    expect(c.body).toContain("A-1042");
    expect(delivery!.contentEncoding).toBe("aes128gcm");
    expect(delivery!.ttl).toBe(86_400);
    expect(delivery!.urgency).toBe("normal");
    // Signed with the dev VAPID pair the worker generated and stored, which is what the API serves.
    const served = await vapidPublicKey(w.deps.db, { generate: false });
    expect(delivery!.vapid).toMatchObject({ subject: "mailto:ops@herald.test", publicKey: served });
    expect(n.provider).toBe("webpush");
  });

  it("a 410 from the push service removes the device and fails without retry", async () => {
    const w = await start();
    const sub = webPush.subscribe();
    const { recipient } = await withDevices(w, "gone", [webDevice(sub)]);
    webPush.expire(sub);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "gone", { channels: ["push"] }),
      "FAILED",
    );
    expect(n.reason).toBe("device_gone");
    expect(await listDevices(w.deps.db, recipient.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(webPush.received.map((d) => d.status)).toEqual([410]);
    const job = await w.deps.queues.get("push").getJob(n.id);
    expect(job?.attemptsMade).toBe(1);
  });

  it("succeeds when any device accepts, removing the gone ones", async () => {
    const w = await start();
    const live = webPush.subscribe();
    const dead = webPush.subscribe();
    const { recipient, devices } = await withDevices(w, "two", [webDevice(live), webDevice(dead)]);
    webPush.expire(dead, 404);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "two", { channels: ["push"] }),
      "SENT",
    );
    expect((await listDevices(w.deps.db, recipient.id)).map((d) => d.id)).toEqual([devices[0]!.id]);
    const sent = (await getTimeline(w.deps.db, n.id)).find((t) => t.status === "SENT");
    expect(sent?.detail).toMatchObject({ devices: { accepted: 1, gone: 1, failed: 0 } });
  });

  it("removes a device whose stored keys no push can be encrypted for, without retrying", async () => {
    const w = await start();
    const sub = webPush.subscribe();
    const { recipient } = await withDevices(w, "bad-keys", [
      webDevice({ endpoint: sub.endpoint, keys: { p256dh: "BNcRdreALRFXTkOO", auth: sub.keys.auth } }),
    ]);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "bad-keys", { channels: ["push"] }),
      "FAILED",
    );
    expect(n.reason).toBe("device_gone");
    expect(await listDevices(w.deps.db, recipient.id)).toEqual([]);
    expect(webPush.received).toEqual([]);
  });

  it("sends a push whose link is 4 KB long, cut to what a push service takes", async () => {
    const w = await start();
    await withDevices(w, "long-link", [webDevice(webPush.subscribe())]);
    const retryUrl = `https://pay.example.com/retry?sig=${"a".repeat(4096)}`;
    const eventId = await w.trigger("payment_failed", "long-link", {
      channels: ["push"],
      data: { amount: 12, currency: "EUR", reason: "card declined", retryUrl },
    });
    await pushNotification(w, eventId, "SENT");
    const payload = JSON.parse(webPush.received[0]!.payload ?? "{}");
    expect(payload.url).toBeUndefined();
    expect(payload.title.length).toBeGreaterThan(0);
  });

  it("takes TTL and urgency from the priority", async () => {
    const w = await start();
    await withDevices(w, "promo", [webDevice(webPush.subscribe())]);
    await pushNotification(w, await w.trigger("weekly_promo", "promo", { channels: ["push"] }), "SENT");
    await pushNotification(
      w,
      await w.trigger("payment_failed", "promo", { channels: ["push"], priority: "critical" }),
      "SENT",
    );
    expect(webPush.received.map((d) => [d.urgency, d.ttl])).toEqual([
      ["low", 4 * 86_400],
      ["high", 3600],
    ]);
  });
});

describe("FCM and APNs", () => {
  it("sends an FCM HTTP v1 message with a service-account access token", async () => {
    const w = await start();
    await withDevices(w, "android", [{ kind: "fcm", address: "fcm-token-0123456789" }]);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "android", { channels: ["push"] }),
      "SENT",
    );
    const c = n.content as PushContent;

    expect(fcm.tokenRequests()).toBe(1);
    const [req] = fcm.received;
    expect(req!.project).toBe("herald-test");
    expect(req!.headers.authorization).toMatch(/^Bearer ya29\./);
    expect(req!.message).toMatchObject({
      token: "fcm-token-0123456789",
      notification: { title: c.title, body: c.body },
      data: { notificationId: n.id, type: "order_placed", url: c.url },
      android: { priority: "NORMAL", ttl: "86400s" },
      webpush: { headers: { TTL: "86400", Urgency: "normal" } },
    });
    // Without a collapse key an offline phone keeps every order's push, not only the last one.
    expect((req!.message as { android: object }).android).not.toHaveProperty("collapse_key");
    expect(n.provider).toBe("fcm");
    expect(n.providerMessageId).toBe(req!.name);
  });

  it("removes an FCM token that is UNREGISTERED", async () => {
    const w = await start();
    const { recipient } = await withDevices(w, "old-phone", [{ kind: "fcm", address: "fcm-token-stale" }]);
    fcm.unregister("fcm-token-stale");
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "old-phone", { channels: ["push"] }),
      "FAILED",
    );
    expect(n.reason).toBe("device_gone");
    expect(await listDevices(w.deps.db, recipient.id)).toEqual([]);
  });

  // A service account of another Firebase project gets this for every token: no device may go.
  it("keeps an FCM token that gets SENDER_ID_MISMATCH, and retries", async () => {
    const w = await start();
    const { recipient } = await withDevices(w, "mismatch", [{ kind: "fcm", address: "fcm-token-mismatch" }]);
    fcm.unregister("fcm-token-mismatch", "SENDER_ID_MISMATCH");
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "mismatch", { channels: ["push"] }),
      // Retried on the (fast) schedule, then dead-lettered for an operator: not failed for good.
      "DEAD",
    );
    expect(n.retryCount).toBeGreaterThan(0);
    expect(await listDevices(w.deps.db, recipient.id)).toHaveLength(1);
  });

  it("sends to APNs over HTTP/2 with a provider token and the right headers", async () => {
    const w = await start();
    const token = apnsToken();
    await withDevices(w, "iphone", [{ kind: "apns", address: token }]);
    const before = Math.floor(Date.now() / 1000);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "iphone", { channels: ["push"] }),
      "SENT",
    );
    const c = n.content as PushContent;

    const [req] = apns.received;
    expect(req!.status).toBe(200);
    expect(req!.deviceToken).toBe(token);
    expect(req!.headers).toMatchObject({
      "apns-topic": "com.herald.test",
      "apns-push-type": "alert",
      "apns-priority": "10",
    });
    expect(req!.headers["apns-id"]).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-A[0-9A-F]{3}-[0-9A-F]{12}$/,
    );
    expect(Number(req!.headers["apns-expiration"])).toBeGreaterThanOrEqual(before + 86_400);
    expect(req!.payload).toEqual({
      aps: { alert: { title: c.title, body: c.body }, sound: "default", "thread-id": "order_placed" },
      notificationId: n.id,
      url: c.url,
    });
    expect(n.providerMessageId).toBe(req!.headers["apns-id"]);
  });

  it("removes an APNs device that is Unregistered (410)", async () => {
    const w = await start();
    const token = apnsToken();
    const { recipient } = await withDevices(w, "old-iphone", [{ kind: "apns", address: token }]);
    apns.unregister(token);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "old-iphone", { channels: ["push"] }),
      "FAILED",
    );
    expect(n.reason).toBe("device_gone");
    expect(apns.received.map((r) => r.reason)).toEqual(["Unregistered"]);
    expect(await listDevices(w.deps.db, recipient.id)).toEqual([]);
  });

  // A sandbox token sent to the production gateway gets BadDeviceToken: a wrong APNS_ENV must not wipe devices.
  it("keeps an APNs device that gets BadDeviceToken, failing the message without retry", async () => {
    const w = await start();
    const token = apnsToken();
    const { recipient } = await withDevices(w, "sandbox-iphone", [{ kind: "apns", address: token }]);
    apns.unregister(token, "BadDeviceToken");
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "sandbox-iphone", { channels: ["push"] }),
      "FAILED",
    );
    expect(n.reason).not.toBe("device_gone");
    expect(await listDevices(w.deps.db, recipient.id)).toHaveLength(1);
  });

  it("routes each device to the provider for its kind", async () => {
    const w = await start();
    await withDevices(w, "everything", [
      webDevice(webPush.subscribe()),
      { kind: "fcm", address: "fcm-token-everything" },
      { kind: "apns", address: apnsToken() },
    ]);
    const n = await pushNotification(
      w,
      await w.trigger("order_placed", "everything", { channels: ["push"] }),
      "SENT",
    );
    expect([webPush.received.length, fcm.received.length, apns.received.length]).toEqual([1, 1, 1]);
    expect(n.provider?.split("+").sort()).toEqual(["apns", "fcm", "webpush"]);
  });
});
