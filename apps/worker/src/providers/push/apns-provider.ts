import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { type ClientHttp2Session, connect, constants } from "node:http2";
import type { DeviceRow } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { errorForStatus, GoneDeviceError, networkError, parseRetryAfter } from "../delivery-errors.ts";
import { fitPushMessage } from "./fit-push-message.ts";
import { signJwt } from "./jwt-sign.ts";
import { PUSH_DELIVERY, type PushMessage, type PushProvider } from "./push-message.ts";

export interface ApnsProviderOptions {
  /** The .p8 key (PEM). */
  key: string;
  keyId: string;
  teamId: string;
  /** The app's bundle id. */
  topic: string;
  /** Default: Apple's production or sandbox gateway per `environment`. */
  baseUrl?: string | undefined;
  environment: "production" | "sandbox";
  timeoutMs: number;
  ca?: string[] | undefined;
}

const GATEWAYS = {
  production: "https://api.push.apple.com",
  sandbox: "https://api.sandbox.push.apple.com",
};
// Apple refuses tokens older than an hour and throttles refreshing more often than every 20 minutes.
const TOKEN_LIFETIME_MS = 50 * 60_000;
const MAX_PAYLOAD_BYTES = 4096;
// Only Apple's "no longer active" removes a device. BadDeviceToken is also what a sandbox token
// gets from the production gateway (APNS_ENV), and DeviceTokenNotForTopic what every token gets
// under a wrong APNS_TOPIC: removing on those would wipe every device over a configuration slip.
const GONE_REASONS = new Set(["Unregistered"]);
// Our configuration, not the message: a retry after an operator fixes it can go through.
const CONFIG_REASONS = new Set(["BadTopic", "TopicDisallowed", "DeviceTokenNotForTopic"]);
const TOKEN_REASONS = new Set(["ExpiredProviderToken", "InvalidProviderToken", "MissingProviderToken"]);

const encodeApns = (message: PushMessage) =>
  JSON.stringify({
    aps: { alert: { title: message.title, body: message.body }, sound: "default", "thread-id": message.type },
    notificationId: message.notificationId,
    ...(message.url ? { url: message.url } : {}),
    ...(message.data ? { data: message.data } : {}),
  });

/** The APNs JSON payload: `aps` plus Herald's fields for the app, within Apple's 4 KB. */
export function apnsPayload(message: PushMessage): string {
  return encodeApns(fitPushMessage(message, encodeApns, MAX_PAYLOAD_BYTES, "apns"));
}

/** A stable apns-id per (notification, device): the same attempt shows up the same in Apple's logs. */
function apnsId(notificationId: string, deviceId: string): string {
  const h = createHash("sha256").update(`${notificationId}/${deviceId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

/** Apple Push Notification service over HTTP/2 with token (JWT, ES256) authentication. */
export function apnsProvider(options: ApnsProviderOptions): PushProvider {
  const origin = (options.baseUrl ?? GATEWAYS[options.environment]).replace(/\/$/, "");
  const key: KeyObject = createPrivateKey(options.key);
  let token: { jwt: string; until: number } | undefined;
  let session: ClientHttp2Session | undefined;

  const providerToken = () => {
    if (!token || token.until < Date.now()) {
      const jwt = signJwt(
        { alg: "ES256", kid: options.keyId },
        { iss: options.teamId, iat: Math.floor(Date.now() / 1000) },
        key,
      );
      token = { jwt, until: Date.now() + TOKEN_LIFETIME_MS };
    }
    return token.jwt;
  };

  // One multiplexed connection, reopened when it closes, errs or is told to go away.
  const getSession = () => {
    if (session && !session.closed && !session.destroyed) return session;
    const s = connect(origin, options.ca ? { ca: options.ca } : {});
    s.on("error", () => s.destroy());
    s.on("goaway", () => s.close());
    s.setTimeout(5 * 60_000, () => s.close());
    // An idle connection must not keep the worker process alive.
    s.unref();
    session = s;
    return s;
  };

  const post = (device: DeviceRow, message: PushMessage, payload: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const delivery = PUSH_DELIVERY[message.priority];
      const req = getSession().request({
        [constants.HTTP2_HEADER_METHOD]: "POST",
        [constants.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(device.address)}`,
        authorization: `bearer ${providerToken()}`,
        "apns-topic": options.topic,
        "apns-push-type": "alert",
        "apns-priority": String(delivery.apnsPriority),
        "apns-expiration": String(Math.floor(Date.now() / 1000) + delivery.ttlSeconds),
        "apns-id": apnsId(message.notificationId, device.id),
        "content-type": "application/json",
      });
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${options.timeoutMs} ms`) as Error & { code: string };
        err.code = "timeout";
        req.close(constants.NGHTTP2_CANCEL);
        reject(err);
      }, options.timeoutMs);
      let headers: Record<string, unknown> = {};
      const chunks: Buffer[] = [];
      req.on("response", (h) => {
        headers = h;
      });
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: Number(headers[constants.HTTP2_HEADER_STATUS] ?? 0),
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });

  return {
    name: "apns",
    kind: "apns",
    async send(device, message) {
      // Outside the request: a payload that cannot fit fails permanently, not as a network error.
      const payload = apnsPayload(message);
      let res: Awaited<ReturnType<typeof post>>;
      try {
        res = await post(device, message, payload);
      } catch (err) {
        throw networkError("apns", err);
      }
      if (res.status === 200)
        return { messageId: String(res.headers["apns-id"] ?? apnsId(message.notificationId, device.id)) };
      let reason = "";
      try {
        reason = (JSON.parse(res.body) as { reason?: string }).reason ?? "";
      } catch {
        // no JSON body
      }
      const summary = `apns ${res.status} ${reason}`.trim();
      if (res.status === 410 || GONE_REASONS.has(reason)) {
        throw new GoneDeviceError(summary, {
          provider: "apns",
          code: reason || "410",
          deviceIds: [device.id],
        });
      }
      if (CONFIG_REASONS.has(reason))
        throw new DeliveryError("transient", summary, { provider: "apns", code: reason });
      if (TOKEN_REASONS.has(reason)) {
        // Our provider token: make a new one; if the key itself is wrong an operator must fix it.
        token = undefined;
        throw new DeliveryError("transient", summary, { provider: "apns", code: reason });
      }
      const retryAfter = res.headers["retry-after"];
      throw errorForStatus("apns", res.status, summary, {
        ...(reason ? { code: reason } : {}),
        retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined),
      });
    },
    async close() {
      session?.close();
    },
  };
}
