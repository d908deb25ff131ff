/// <reference path="./http-ece.d.ts" />
import { createECDH, type ECDH, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:https";
import ece from "http_ece";
import { Behaviour, controls, type FakeProvider, Recorder } from "./behaviour.ts";
import { closeServer, listen, plainHeaders, readBody, retryAfterHeader } from "./http.ts";
import { p256PublicKey, verifyJwt } from "./jwt.ts";
import { loopbackCertificate } from "./tls.ts";

/** What a browser hands to `pushManager.subscribe()` callers (PushSubscription.toJSON()). */
export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushDelivery {
  status: number;
  subscriptionId: string;
  /** The payload decrypted with the subscription's private key (`http_ece`, aes128gcm). */
  payload?: string;
  ttl?: number;
  urgency?: string;
  topic?: string;
  contentEncoding?: string;
  /** The verified VAPID claims and the sender's public key (`k=`). */
  vapid?: { subject: string; audience: string; expiresAt: number; publicKey: string };
  headers: Record<string, string>;
  /** Why the request was refused, for 4xx answers the fake made itself. */
  error?: string;
}

export interface FakeWebPush extends FakeProvider<WebPushDelivery> {
  /** The self-signed certificate to trust (tests only). */
  readonly ca: string;
  /** A new subscription whose endpoint is on this fake, with real P-256 keys and auth secret. */
  subscribe(): WebPushSubscription;
  /** From now on this subscription answers `status` (410 Gone by default), as after the user unsubscribed. */
  expire(subscription: WebPushSubscription | string, status?: 404 | 410): void;
}

interface Entry {
  ecdh: ECDH;
  auth: string;
  goneStatus?: number;
}

export interface FakeWebPushOptions {
  /** Refuse requests without a VAPID `Authorization` (401). Default true. */
  requireVapid?: boolean;
  /**
   * The host its endpoints name: `127.0.0.1` (default) or `localhost`, for a
   * sender that must resolve a name. Either is loopback, which Herald's
   * worker only reaches with `PUSH_ALLOW_PRIVATE_ENDPOINTS=true`.
   */
  host?: "127.0.0.1" | "localhost";
}

/**
 * A push service (RFC 8030) over HTTPS on loopback. It checks the VAPID
 * `Authorization: vapid t=…, k=…` JWT (ES256, audience = this origin) and
 * decrypts each message with `http_ece` exactly as a browser would, so a test
 * can compare the plaintext with what Herald rendered.
 */
export async function startFakeWebPush(options: FakeWebPushOptions = {}): Promise<FakeWebPush> {
  const requireVapid = options.requireVapid ?? true;
  const { key, cert } = await loopbackCertificate();
  const behaviour = new Behaviour();
  const recorder = new Recorder<WebPushDelivery>();
  const subscriptions = new Map<string, Entry>();
  let origin = "";

  const server = createServer({ key, cert }, async (req, res) => {
    const body = await readBody(req);
    const headers = plainHeaders(req.headers);
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? "")?.[1] ?? "";
    const base: WebPushDelivery = {
      status: 0,
      subscriptionId: id,
      headers,
      ...(headers.ttl !== undefined ? { ttl: Number(headers.ttl) } : {}),
      ...(headers.urgency ? { urgency: headers.urgency } : {}),
      ...(headers.topic ? { topic: headers.topic } : {}),
      ...(headers["content-encoding"] ? { contentEncoding: headers["content-encoding"] } : {}),
    };
    const answer = (status: number, extra: Partial<WebPushDelivery> = {}, h: Record<string, string> = {}) => {
      recorder.push({ ...base, ...extra, status });
      res.writeHead(status, h);
      res.end(extra.error ?? "");
    };

    const entry = subscriptions.get(id);
    if (req.method !== "POST" || !entry) return answer(404, { error: "no such subscription" });
    if (entry.goneStatus) return answer(entry.goneStatus, { error: "subscription expired" });
    const failure = await behaviour.next();
    if (failure) return answer(failure.status, {}, retryAfterHeader(failure.retryAfter));
    if (headers.ttl === undefined || !/^\d+$/.test(headers.ttl))
      return answer(400, { error: "TTL header required" });

    let vapid: WebPushDelivery["vapid"];
    const auth = /^vapid\s+t=([^,\s]+),\s*k=([^,\s]+)$/i.exec(headers.authorization ?? "");
    if (auth) {
      try {
        const publicKey = auth[2]!;
        const { claims } = verifyJwt(auth[1]!, p256PublicKey(Buffer.from(publicKey, "base64url")));
        if (claims.aud !== origin) throw new Error(`aud ${String(claims.aud)} is not ${origin}`);
        const exp = Number(claims.exp);
        if (!(exp * 1000 > Date.now() && exp * 1000 < Date.now() + 86_400_000 + 60_000))
          throw new Error("exp must be in the next 24 hours");
        vapid = { subject: String(claims.sub), audience: String(claims.aud), expiresAt: exp, publicKey };
      } catch (err) {
        return answer(403, { error: `bad VAPID token: ${(err as Error).message}` });
      }
    } else if (requireVapid) {
      return answer(401, { error: "VAPID authorization required" });
    }

    let payload: string | undefined;
    if (body.length > 0) {
      if (headers["content-encoding"] !== "aes128gcm") {
        return answer(415, { error: "only aes128gcm payloads are accepted" });
      }
      try {
        payload = ece
          .decrypt(body, { version: "aes128gcm", privateKey: entry.ecdh, authSecret: entry.auth })
          .toString("utf8");
      } catch (err) {
        return answer(400, { error: `cannot decrypt: ${(err as Error).message}` });
      }
    }
    answer(
      201,
      { ...(payload !== undefined ? { payload } : {}), ...(vapid ? { vapid } : {}) },
      { location: `${origin}/message/${randomUUID()}` },
    );
  });

  const port = await listen(server);
  origin = `https://${options.host ?? "127.0.0.1"}:${port}`;
  const idOf = (s: WebPushSubscription | string) =>
    (typeof s === "string" ? s : s.endpoint).split("/").pop() ?? "";
  const base = controls(origin, behaviour, recorder, () => closeServer(server));
  return {
    ...base,
    reset() {
      base.reset();
      for (const entry of subscriptions.values()) delete entry.goneStatus;
    },
    ca: cert,
    subscribe() {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16).toString("base64url");
      const id = randomUUID();
      subscriptions.set(id, { ecdh, auth });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth },
      };
    },
    expire(subscription, status = 410) {
      const entry = subscriptions.get(idOf(subscription));
      if (entry) entry.goneStatus = status;
    },
  };
}
