import type { DeviceRow } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { errorForStatus, GoneDeviceError, networkError, parseRetryAfter } from "../delivery-errors.ts";
import { type HttpAnswer, sendHttp } from "../http-request.ts";
import { providerAgent } from "../tls-trust.ts";
import { fitPushMessage } from "./fit-push-message.ts";
import { GoogleAccessToken, type ServiceAccount } from "./google-access-token.ts";
import { PUSH_DELIVERY, type PushMessage, type PushProvider, stringData } from "./push-message.ts";

export interface FcmProviderOptions {
  serviceAccount: ServiceAccount;
  projectId: string;
  /** Default https://fcm.googleapis.com. */
  baseUrl?: string | undefined;
  timeoutMs: number;
  ca?: string[] | undefined;
}

// FCM refuses a message whose notification and data together pass 4,000 bytes.
const MAX_PAYLOAD_BYTES = 4000;
const encodeFcm = (message: PushMessage) =>
  JSON.stringify({
    notification: {
      title: message.title,
      body: message.body,
      ...(message.icon ? { image: message.icon } : {}),
    },
    data: stringData(message),
  });

/** The FCM HTTP v1 `message` for one device token, its text cut to FCM's payload limit. */
export function fcmMessage(token: string, full: PushMessage) {
  const message = fitPushMessage(full, encodeFcm, MAX_PAYLOAD_BYTES, "fcm");
  const delivery = PUSH_DELIVERY[message.priority];
  return {
    token,
    notification: {
      title: message.title,
      body: message.body,
      ...(message.icon ? { image: message.icon } : {}),
    },
    data: stringData(message),
    // No collapse_key: FCM keeps only the last message per key for an offline device, so two
    // orders' pushes would arrive as one.
    android: { priority: delivery.fcmPriority, ttl: `${delivery.ttlSeconds}s` },
    apns: {
      headers: {
        "apns-priority": String(delivery.apnsPriority),
        "apns-expiration": String(Math.floor(Date.now() / 1000) + delivery.ttlSeconds),
      },
    },
    webpush: {
      headers: { TTL: String(delivery.ttlSeconds), Urgency: delivery.urgency },
      ...(message.url ? { fcm_options: { link: message.url } } : {}),
    },
  };
}

// FCM errorCodes meaning the token will never work again.
const GONE_CODES = new Set(["UNREGISTERED"]);
// Our project or credentials, not the token: every token gets these under a service account of
// another Firebase project, so they neither remove the device nor fail the message for good.
const CONFIG_CODES = new Set(["SENDER_ID_MISMATCH", "PERMISSION_DENIED"]);

function fcmErrorCode(res: HttpAnswer): { errorCode: string | undefined; message: string } {
  try {
    const body = JSON.parse(res.body) as {
      error?: { message?: string; status?: string; details?: { errorCode?: string }[] };
    };
    const errorCode = body.error?.details?.find((d) => d.errorCode)?.errorCode ?? body.error?.status;
    return { errorCode, message: body.error?.message ?? res.body.slice(0, 200) };
  } catch {
    return { errorCode: undefined, message: res.body.slice(0, 200) };
  }
}

/** Firebase Cloud Messaging, HTTP v1 API, authenticated with a service account. */
export function fcmProvider(options: FcmProviderOptions): PushProvider {
  const agent = providerAgent(options.ca);
  const tokens = new GoogleAccessToken(options.serviceAccount, { timeoutMs: options.timeoutMs, agent });
  const endpoint = `${(options.baseUrl ?? "https://fcm.googleapis.com").replace(/\/$/, "")}/v1/projects/${encodeURIComponent(options.projectId)}/messages:send`;
  return {
    name: "fcm",
    kind: "fcm",
    async prepare() {
      await tokens.get();
    },
    async send(device: DeviceRow, message: PushMessage) {
      // Outside the request: a payload that cannot fit fails permanently, not as a network error.
      const body = JSON.stringify({ message: fcmMessage(device.address, message) });
      const accessToken = await tokens.get();
      let res: HttpAnswer;
      try {
        res = await sendHttp(endpoint, {
          method: "POST",
          headers: {
            authorization: `Bearer ${accessToken}`,
            "content-type": "application/json; charset=utf-8",
          },
          body,
          timeoutMs: options.timeoutMs,
          agent,
        });
      } catch (err) {
        throw networkError("fcm", err);
      }
      if (res.status === 200) return { messageId: (JSON.parse(res.body) as { name: string }).name };
      const { errorCode, message: text } = fcmErrorCode(res);
      const summary = `fcm ${res.status} ${errorCode ?? ""}: ${text}`;
      if (errorCode && GONE_CODES.has(errorCode)) {
        throw new GoneDeviceError(summary, { provider: "fcm", code: errorCode, deviceIds: [device.id] });
      }
      if (errorCode === "INVALID_ARGUMENT" && /registration token/i.test(text)) {
        throw new GoneDeviceError(summary, { provider: "fcm", code: errorCode, deviceIds: [device.id] });
      }
      if (errorCode && CONFIG_CODES.has(errorCode)) {
        throw new DeliveryError("transient", summary, { provider: "fcm", code: errorCode });
      }
      if (res.status === 401) {
        // Our access token was refused (expired early, revoked): fetch a new one on the retry.
        tokens.invalidate();
        throw new DeliveryError("transient", summary, { provider: "fcm", code: errorCode ?? "401" });
      }
      const retryAfter = res.headers["retry-after"];
      throw errorForStatus("fcm", res.status, summary, {
        ...(errorCode ? { code: errorCode } : {}),
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      });
    },
    async close() {
      agent?.destroy();
    },
  };
}
