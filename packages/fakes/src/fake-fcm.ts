import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { Behaviour, controls, type FakeProvider, Recorder } from "./behaviour.ts";
import { closeServer, listen, plainHeaders, readBody, retryAfterHeader, sendJson } from "./http.ts";
import { verifyJwt } from "./jwt.ts";

/** The `message` of an FCM HTTP v1 send request. */
export interface FcmMessage {
  token?: string;
  notification?: { title?: string; body?: string; image?: string };
  data?: Record<string, string>;
  android?: Record<string, unknown>;
  apns?: Record<string, unknown>;
  webpush?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface FcmRequest {
  status: number;
  project: string;
  /** `projects/{p}/messages/{id}` for accepted messages. */
  name?: string;
  message: FcmMessage;
  headers: Record<string, string>;
  /** FCM error code of a refused request (`UNREGISTERED`, `INVALID_ARGUMENT`…). */
  errorCode?: string;
}

/** A Google service-account key file, as `FCM_SERVICE_ACCOUNT` takes it. */
export interface ServiceAccount {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

export interface FakeFcm extends FakeProvider<FcmRequest> {
  /** A service account whose `token_uri` is this fake; its key is the one the fake verifies. */
  readonly serviceAccount: ServiceAccount;
  /** How many OAuth access tokens were handed out. */
  readonly tokenRequests: () => number;
  /** From now on sending to `token` fails with FCM's `UNREGISTERED` (404), or the given error. */
  unregister(token: string, errorCode?: "UNREGISTERED" | "INVALID_ARGUMENT" | "SENDER_ID_MISMATCH"): void;
}

const STATUS_OF_CODE = { UNREGISTERED: 404, INVALID_ARGUMENT: 400, SENDER_ID_MISMATCH: 403 } as const;
const GRPC_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
const FCM_CODE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "THIRD_PARTY_AUTH_ERROR",
  403: "SENDER_ID_MISMATCH",
  404: "UNREGISTERED",
  429: "QUOTA_EXCEEDED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

/**
 * FCM HTTP v1 (`POST /v1/projects/{p}/messages:send`) and Google's OAuth
 * token endpoint (JWT-bearer grant, RS256 assertion checked against the
 * service account's key) on loopback.
 */
export async function startFakeFcm(options: { projectId?: string } = {}): Promise<FakeFcm> {
  const projectId = options.projectId ?? "herald-test";
  const behaviour = new Behaviour();
  const recorder = new Recorder<FcmRequest>();
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const verifyKey = createPublicKey(publicKey.export({ type: "spki", format: "pem" }));
  const accessTokens = new Set<string>();
  const unregistered = new Map<string, keyof typeof STATUS_OF_CODE>();
  let tokens = 0;
  let url = "";
  const serviceAccount = {} as ServiceAccount;

  const fcmError = (status: number, errorCode: string, message: string) => ({
    error: {
      code: status,
      message,
      status: GRPC_STATUS[status] ?? "UNKNOWN",
      details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }],
    },
  });

  const server = createServer(async (req, res) => {
    const raw = (await readBody(req)).toString("utf8");
    const headers = plainHeaders(req.headers);
    const path = (req.url ?? "").split("?")[0] ?? "";

    if (req.method === "POST" && path === "/token") {
      const form = Object.fromEntries(new URLSearchParams(raw));
      try {
        if (form.grant_type !== "urn:ietf:params:oauth:grant-type:jwt-bearer") throw new Error("grant_type");
        const { claims } = verifyJwt(form.assertion ?? "", verifyKey);
        if (claims.iss !== serviceAccount.client_email) throw new Error("iss");
        if (claims.aud !== serviceAccount.token_uri) throw new Error("aud");
        if (
          !String(claims.scope ?? "")
            .split(" ")
            .includes(SCOPE)
        )
          throw new Error("scope");
        if (Number(claims.exp) * 1000 < Date.now()) throw new Error("expired");
      } catch (err) {
        return sendJson(res, 400, {
          error: "invalid_grant",
          error_description: `Invalid JWT: ${(err as Error).message}`,
        });
      }
      tokens += 1;
      const token = `ya29.${randomBytes(24).toString("base64url")}`;
      accessTokens.add(token);
      return sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: "Bearer" });
    }

    const match = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
    let message: FcmMessage = {};
    try {
      message = (JSON.parse(raw) as { message?: FcmMessage }).message ?? {};
    } catch {
      // recorded as empty; answered 400 below
    }
    const project = match?.[1] ?? "";
    const refuse = (status: number, code: string, text: string, extra: Record<string, string> = {}) => {
      recorder.push({ status, project, message, headers, errorCode: code });
      sendJson(res, status, fcmError(status, code, text), extra);
    };
    if (req.method !== "POST" || !match) return refuse(404, "UNSPECIFIED_ERROR", "Not found");
    const failure = await behaviour.next();
    if (failure) {
      return refuse(
        failure.status,
        (failure.body as string | undefined) ?? FCM_CODE[failure.status] ?? "UNSPECIFIED_ERROR",
        "Simulated failure",
        retryAfterHeader(failure.retryAfter),
      );
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
    if (!bearer || !accessTokens.has(bearer)) {
      return refuse(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    if (project !== projectId) return refuse(403, "SENDER_ID_MISMATCH", "Permission denied.");
    if (!message.token) return refuse(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
    const badData = Object.entries(message.data ?? {}).find(([, v]) => typeof v !== "string");
    if (badData) {
      return refuse(400, "INVALID_ARGUMENT", `Invalid value at 'message.data[${badData[0]}]': not a string`);
    }
    const gone = unregistered.get(message.token);
    if (gone) return refuse(STATUS_OF_CODE[gone], gone, "Requested entity was not found.");
    const name = `projects/${project}/messages/0:${Date.now()}%${randomBytes(8).toString("hex")}`;
    recorder.push({ status: 200, project, message, headers, name });
    sendJson(res, 200, { name });
  });

  const port = await listen(server);
  url = `http://127.0.0.1:${port}`;
  Object.assign(serviceAccount, {
    type: "service_account",
    project_id: projectId,
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: `herald@${projectId}.iam.gserviceaccount.com`,
    token_uri: `${url}/token`,
  } satisfies ServiceAccount);
  const base = controls(url, behaviour, recorder, () => closeServer(server));
  return {
    ...base,
    reset() {
      base.reset();
      unregistered.clear();
    },
    serviceAccount,
    tokenRequests: () => tokens,
    unregister(token, errorCode = "UNREGISTERED") {
      unregistered.set(token, errorCode);
    },
  };
}
