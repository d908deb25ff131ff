import type { DeviceRow, VapidKeyPair } from "@herald/db";
import { webPushKeysProblem } from "@herald/domain";
import { DeliveryError } from "@herald/errors";
import { isNonPublicAddressError } from "@herald/public-address";
import type WebPushSdk from "web-push";
import { errorForStatus, GoneDeviceError, networkError, parseRetryAfter } from "../delivery-errors.ts";
import { once } from "../once.ts";
import { providerAgent } from "../tls-trust.ts";
import { fitPushMessage } from "./fit-push-message.ts";
import { PUSH_DELIVERY, type PushMessage, type PushProvider } from "./push-message.ts";

export interface WebPushProviderOptions {
  /** Resolved once (configured keys, or the generated dev pair shared through the database). */
  vapidKeys: () => Promise<VapidKeyPair>;
  subject: string;
  timeoutMs: number;
  ca?: string[] | undefined;
  /**
   * Let endpoints on loopback, private and other non-public addresses be
   * reached (`PUSH_ALLOW_PRIVATE_ENDPOINTS`). Default false: such a send fails
   * permanently, since an endpoint is whatever a device registration said.
   */
  allowPrivateEndpoints?: boolean;
}

// Push services accept about 4 KB of encrypted payload; leave room for the encryption overhead.
const MAX_PAYLOAD_BYTES = 3800;

const encodeWebPush = (message: PushMessage) =>
  JSON.stringify({
    notificationId: message.notificationId,
    type: message.type,
    title: message.title,
    body: message.body,
    ...(message.url ? { url: message.url } : {}),
    ...(message.icon ? { icon: message.icon } : {}),
    ...(message.data ? { data: message.data } : {}),
    clickUrl: message.clickUrl,
  });

/** What the service worker (`herald-sw.js`) receives: the rendered push plus where to report a click. */
export function webPushPayload(message: PushMessage): string {
  return encodeWebPush(fitPushMessage(message, encodeWebPush, MAX_PAYLOAD_BYTES, "webpush"));
}

type Sdk = typeof WebPushSdk;

/**
 * The `web-push` package is loaded on first send: a worker that never sends
 * web push does not hold it (~10 MB of RSS).
 */
const sdk = once(async (): Promise<Sdk> => (await import("web-push")).default);

/** Web Push (RFC 8030/8291) with VAPID through the `web-push` package. */
export function webPushProvider(options: WebPushProviderOptions): PushProvider {
  const agent = providerAgent(options.ca, { publicOnly: !options.allowPrivateEndpoints });
  return {
    name: "webpush",
    kind: "webpush",
    async prepare() {
      await Promise.all([sdk(), options.vapidKeys()]);
    },
    async send(device: DeviceRow, message: PushMessage) {
      if (!device.keys) {
        throw new GoneDeviceError("web push subscription without keys", {
          provider: "webpush",
          code: "no_keys",
          deviceIds: [device.id],
        });
      }
      // Registered before the API checked them: no push can ever be encrypted for such keys.
      const problem = webPushKeysProblem(device.keys);
      if (problem) {
        throw new GoneDeviceError(`webpush: unusable subscription keys: ${problem.message}`, {
          provider: "webpush",
          code: "bad_keys",
          deviceIds: [device.id],
        });
      }
      const keys = await options.vapidKeys();
      const delivery = PUSH_DELIVERY[message.priority];
      // Outside the request: a payload that cannot fit fails permanently, not as a network error.
      const payload = webPushPayload(message);
      const webpush = await sdk();
      try {
        const res = await webpush.sendNotification({ endpoint: device.address, keys: device.keys }, payload, {
          TTL: delivery.ttlSeconds,
          urgency: delivery.urgency,
          timeout: options.timeoutMs,
          vapidDetails: {
            subject: options.subject,
            publicKey: keys.publicKey,
            privateKey: keys.privateKey,
          },
          ...(agent ? { agent } : {}),
        });
        const location = res.headers.location;
        return {
          messageId:
            typeof location === "string" ? location : `${new URL(device.address).host}:${Date.now()}`,
        };
      } catch (err) {
        throw classifyWebPushError(err, device.id, webpush);
      }
    },
    async close() {
      agent?.destroy();
    },
  };
}

export function classifyWebPushError(err: unknown, deviceId: string, webpush: Sdk): DeliveryError {
  // The agent refused the endpoint's address: no retry can change that, only the configuration.
  if (isNonPublicAddressError(err)) {
    const where =
      err.host === err.address
        ? `is a private address (${err.address}, ${err.range})`
        : `resolves to a private address (${err.host} → ${err.address}, ${err.range})`;
    return new DeliveryError(
      "permanent",
      `webpush: push endpoint ${where}; not sent (PUSH_ALLOW_PRIVATE_ENDPOINTS=true allows it)`,
      { provider: "webpush", code: "private_address", cause: err },
    );
  }
  if (!(err instanceof webpush.WebPushError)) return networkError("webpush", err);
  const message = `webpush ${err.statusCode}: ${String(err.body || err.message).slice(0, 200)}`;
  // 404/410: the subscription expired or the user revoked permission.
  if (err.statusCode === 404 || err.statusCode === 410) {
    return new GoneDeviceError(message, {
      provider: "webpush",
      code: String(err.statusCode),
      deviceIds: [deviceId],
    });
  }
  const retryAfter = err.headers?.["retry-after"];
  return errorForStatus("webpush", err.statusCode, message, {
    retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    cause: err,
  });
}
