import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { constants, createSecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { Behaviour, controls, type FakeProvider, Recorder } from "./behaviour.ts";
import { closeServer, listen, plainHeaders, retryAfterHeader } from "./http.ts";
import { verifyJwt } from "./jwt.ts";
import { loopbackCertificate } from "./tls.ts";

export interface ApnsRequest {
  status: number;
  deviceToken: string;
  /** `apns-topic`, `apns-push-type`, `apns-priority`, `apns-expiration`, `apns-id`, `apns-collapse-id`… */
  headers: Record<string, string>;
  payload: Record<string, unknown> | null;
  /** APNs' `reason` of a refused request (`BadDeviceToken`, `Unregistered`…). */
  reason?: string;
  /** The `apns-id` answered for accepted requests. */
  apnsId?: string;
}

/** Token-based (.p8) credentials as `APNS_KEY`, `APNS_KEY_ID`, `APNS_TEAM_ID` take them. */
export interface ApnsCredentials {
  key: string;
  keyId: string;
  teamId: string;
}

export interface FakeApns extends FakeProvider<ApnsRequest> {
  /** The self-signed certificate to trust (tests only). */
  readonly ca: string;
  /** A signing key the fake trusts, like a .p8 from Apple's developer portal. */
  readonly credentials: ApnsCredentials;
  /** From now on this device token answers 410 `Unregistered` (or 400 `BadDeviceToken`). */
  unregister(deviceToken: string, reason?: "Unregistered" | "BadDeviceToken"): void;
}

const REASON_FOR_STATUS: Record<number, string> = {
  400: "BadRequest",
  403: "InvalidProviderToken",
  410: "Unregistered",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

/**
 * Apple's push gateway (HTTP/2, `POST /3/device/{token}`) over TLS on
 * loopback, with provider-token (JWT, ES256) authentication checked against
 * {@link FakeApns.credentials}.
 */
export async function startFakeApns(options: { topic?: string } = {}): Promise<FakeApns> {
  const { key, cert } = await loopbackCertificate();
  const behaviour = new Behaviour();
  const recorder = new Recorder<ApnsRequest>();
  const signing = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const verifyKey = createPublicKey(signing.publicKey.export({ type: "spki", format: "pem" }));
  const credentials: ApnsCredentials = {
    key: signing.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    keyId: randomBytes(5).toString("hex").toUpperCase(),
    teamId: randomBytes(5).toString("hex").toUpperCase(),
  };
  const gone = new Map<string, "Unregistered" | "BadDeviceToken">();

  const handle = async (stream: ServerHttp2Stream, raw: IncomingHttpHeaders, body: Buffer) => {
    const headers = plainHeaders(raw);
    const path = String(raw[constants.HTTP2_HEADER_PATH] ?? "");
    const deviceToken = /^\/3\/device\/([^/?]+)$/.exec(path)?.[1] ?? "";
    let payload: Record<string, unknown> | null = null;
    try {
      payload = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : null;
    } catch {
      payload = null;
    }
    const refuse = (status: number, reason: string, extra: Record<string, string> = {}) => {
      recorder.push({ status, deviceToken, headers, payload, reason });
      const text = JSON.stringify(status === 410 ? { reason, timestamp: Date.now() } : { reason });
      stream.respond({ ":status": status, "content-type": "application/json", ...extra });
      stream.end(text);
    };

    if (raw[constants.HTTP2_HEADER_METHOD] !== "POST" || !deviceToken) return refuse(405, "MethodNotAllowed");
    const failure = await behaviour.next();
    if (failure) {
      const reason =
        (failure.body as string | undefined) ?? REASON_FOR_STATUS[failure.status] ?? "BadRequest";
      return refuse(failure.status, reason, retryAfterHeader(failure.retryAfter));
    }
    const jwt = /^bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
    if (!jwt) return refuse(403, "MissingProviderToken");
    try {
      const { header, claims } = verifyJwt(jwt, verifyKey);
      if (header.alg !== "ES256" || header.kid !== credentials.keyId || claims.iss !== credentials.teamId)
        throw new Error("wrong kid/iss");
      if (Number(claims.iat) * 1000 < Date.now() - 3_600_000) return refuse(403, "ExpiredProviderToken");
    } catch {
      return refuse(403, "InvalidProviderToken");
    }
    if (!headers["apns-topic"]) return refuse(400, "MissingTopic");
    if (options.topic && headers["apns-topic"] !== options.topic) return refuse(400, "BadTopic");
    if (!/^[0-9a-fA-F]{64,200}$/.test(deviceToken)) return refuse(400, "BadDeviceToken");
    const priority = headers["apns-priority"];
    if (priority && !["1", "5", "10"].includes(priority)) return refuse(400, "BadPriority");
    if (!payload || typeof payload.aps !== "object") return refuse(400, "PayloadEmpty");
    if (body.length > 4096) return refuse(413, "PayloadTooLarge");
    const reason = gone.get(deviceToken);
    if (reason) return refuse(reason === "Unregistered" ? 410 : 400, reason);
    const apnsId = headers["apns-id"] ?? randomUUID();
    recorder.push({ status: 200, deviceToken, headers, payload, apnsId });
    stream.respond({ ":status": 200, "apns-id": apnsId });
    stream.end();
  };

  const server = createSecureServer({ key, cert });
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      handle(stream, headers, Buffer.concat(chunks)).catch(() => stream.close());
    });
  });
  // Clients keep HTTP/2 sessions open; close them so `close()` returns.
  const sessions = new Set<import("node:http2").ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  const port = await listen(server);
  const base = controls(`https://127.0.0.1:${port}`, behaviour, recorder, async () => {
    for (const s of sessions) s.destroy();
    await closeServer(server);
  });
  return {
    ...base,
    reset() {
      base.reset();
      gone.clear();
    },
    ca: cert,
    credentials,
    unregister(deviceToken, reason = "Unregistered") {
      gone.set(deviceToken, reason);
    },
  };
}
