import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { Behaviour, controls, type FakeProvider, Recorder } from "./behaviour.ts";
import { closeServer, listen, plainHeaders, readBody, retryAfterHeader, sendJson } from "./http.ts";

/** The JSON body of `POST /emails` as the resend SDK sends it (snake_case). */
export interface ResendEmailBody {
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  reply_to?: string | string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  [key: string]: unknown;
}

export interface ResendRequest {
  /** The status the fake answered with. */
  status: number;
  /** Resend's email id (accepted requests only). */
  id?: string;
  apiKey: string | null;
  idempotencyKey?: string;
  headers: Record<string, string>;
  body: ResendEmailBody;
  /** Sent in a `POST /emails/batch` request (one record per e-mail of it). */
  batch?: true;
}

/** How the next answers go wrong although their requests were processed (see {@link FakeResend.spoilAnswers}). */
export interface AnswerRule {
  /** Hold each answer this long after the request was processed. Default 0. */
  delayMs?: number;
  /** Send the status line and half the body, then cut the connection. Default false. */
  cut?: boolean;
  /**
   * Answer with this status instead (an HTML page, as a gateway in front of
   * Resend sends its 502 or 504 when the upstream, which took the e-mail,
   * failed or was too slow to answer). Default: the request's own answer.
   */
  status?: number;
  /** How many answers. Default: every answer until `reset()`. */
  times?: number;
}

export interface FakeResend extends FakeProvider<ResendRequest> {
  /** The requests Resend accepted (status 200), without repeats answered from the idempotency cache. */
  accepted(): ResendRequest[];
  /**
   * The next requests are processed at once (an e-mail accepted, its
   * idempotency key answered from the cache from then on) but their answers
   * come late or broken: what a client sees when Resend took the e-mail and
   * the answer was lost. `setLatency`, by contrast, delays the processing,
   * and the key counts as in progress meanwhile.
   */
  spoilAnswers(rule: AnswerRule): void;
}

export interface FakeResendOptions {
  /** Only this API key is accepted (any `re_…` key when unset). */
  apiKey?: string;
}

const DEFAULT_ERRORS: Record<number, { name: string; message: string }> = {
  400: { name: "invalid_parameter", message: "Invalid parameter." },
  401: { name: "missing_api_key", message: "Missing API key in the authorization header." },
  403: { name: "invalid_api_key", message: "API key is invalid." },
  409: {
    name: "invalid_idempotent_request",
    message: "Same idempotency key used with a different request payload.",
  },
  422: { name: "validation_error", message: "Invalid `to` field." },
  429: {
    name: "rate_limit_exceeded",
    message: "Too many requests. You can only make 2 requests per second.",
  },
  500: { name: "application_error", message: "An unexpected error occurred." },
  503: { name: "application_error", message: "Service unavailable." },
};

const CONCURRENT = {
  name: "concurrent_idempotent_requests",
  message: "Same idempotency key used while original request is still in progress.",
};

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const address = (s: string) => /<([^>]+)>\s*$/.exec(s)?.[1] ?? s.trim();

/** What Resend says about an e-mail it will not take (422), or null when it is fine. */
function invalid(body: ResendEmailBody): { name: string; message: string } | null {
  for (const field of ["from", "to", "subject"] as const) {
    if (!body?.[field]) return { name: "missing_required_field", message: `Missing \`${field}\` field.` };
  }
  const recipients = Array.isArray(body.to) ? body.to : [body.to];
  if (!recipients.every((to) => EMAIL.test(address(to)))) return DEFAULT_ERRORS[422]!;
  if (!EMAIL.test(address(body.from))) return { name: "validation_error", message: "Invalid `from` field." };
  return null;
}

/** Resend's batch endpoint takes at most this many e-mails per request. */
const BATCH_MAX = 100;

/**
 * Resend's `POST /emails` and `POST /emails/batch` on loopback. Point the real SDK at it with
 * `new Resend(key, { baseUrl: fake.url })` (or `RESEND_BASE_URL`). Checks the
 * bearer key and required fields, honours `Idempotency-Key` like Resend does
 * (same key and body → the first answer, nothing sent again; same key, other
 * body → 409 `invalid_idempotent_request`; same key while a request with it is
 * still being processed, e.g. during `setLatency` → 409
 * `concurrent_idempotent_requests`), and answers errors in Resend's
 * `{statusCode, name, message}` shape. `spoilAnswers` loses the answers of
 * requests it did process (late, or cut off mid-body).
 */
export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  const behaviour = new Behaviour();
  const recorder = new Recorder<ResendRequest>();
  const idempotency = new Map<string, { body: string; id: string }>();
  const inProgress = new Set<string>();
  let answerRules: { rule: AnswerRule; left: number }[] = [];
  const nextAnswerRule = () => {
    const head = answerRules[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) answerRules.shift();
    return head.rule;
  };

  /** Sends an answer, late or broken if a rule says so. */
  async function deliver(
    res: ServerResponse,
    status: number,
    payload: unknown,
    extra: Record<string, string>,
  ) {
    const rule = nextAnswerRule();
    if (rule?.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    if (rule?.status) {
      const page = `<html><body><h1>${rule.status}</h1>The upstream server failed.</body></html>`;
      res.writeHead(rule.status, { "content-type": "text/html", "content-length": Buffer.byteLength(page) });
      return res.end(page);
    }
    if (!rule?.cut) return sendJson(res, status, payload, extra);
    const text = JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    // Let the half body leave before the connection is cut.
    setTimeout(() => res.destroy(), 20);
  }

  const server = createServer(async (req, res) => {
    const raw = (await readBody(req)).toString("utf8");
    const headers = plainHeaders(req.headers);
    const apiKey = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1] ?? null;
    const idempotencyKey = headers["idempotency-key"];
    let body: ResendEmailBody;
    try {
      body = raw ? (JSON.parse(raw) as ResendEmailBody) : ({} as ResendEmailBody);
    } catch {
      body = {} as ResendEmailBody;
    }
    // What the request gets, once processed; sent by `deliver` after the key is no longer in progress.
    let reply: { status: number; payload: unknown; extra: Record<string, string> } | undefined;
    const respond = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      reply = { status, payload, extra };
    };
    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}, id?: string) => {
      recorder.push({
        status,
        apiKey,
        headers,
        body,
        ...(id ? { id } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      respond(status, payload, extra);
    };
    const error = (status: number, override?: { name: string; message: string }, extra = {}) => {
      const e = override ?? DEFAULT_ERRORS[status] ?? { name: "application_error", message: "Error." };
      answer(status, { statusCode: status, ...e }, extra);
    };

    // `POST /emails/batch`: up to 100 e-mails; `x-batch-validation: strict` (default) refuses the
    // whole request for one invalid e-mail, `permissive` sends the valid ones and lists the others.
    const batch = () => {
      const items = body as unknown as ResendEmailBody[];
      if (!Array.isArray(items) || items.length === 0 || items.length > BATCH_MAX) {
        return error(422, { name: "validation_error", message: `Send between 1 and ${BATCH_MAX} emails.` });
      }
      const problems = items.map(invalid);
      const permissive = headers["x-batch-validation"] === "permissive";
      const firstProblem = problems.find(Boolean);
      if (!permissive && firstProblem) return error(422, firstProblem);
      const seen = idempotencyKey ? idempotency.get(idempotencyKey) : undefined;
      if (seen && seen.body !== raw) {
        return error(409);
      }
      const ids: string[] = seen ? (JSON.parse(seen.id) as string[]) : items.map(() => randomUUID());
      const data: { id: string }[] = [];
      const errors: { index: number; message: string }[] = [];
      items.forEach((item, index) => {
        const p = problems[index];
        if (p) errors.push({ index, message: p.message });
        else data.push({ id: ids[index]! });
        recorder.push({
          status: p ? 422 : 200,
          apiKey,
          headers,
          body: item,
          batch: true,
          ...(p ? {} : { id: ids[index]! }),
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
      });
      if (idempotencyKey && !seen) idempotency.set(idempotencyKey, { body: raw, id: JSON.stringify(ids) });
      respond(200, permissive ? { data, errors } : { data });
    };

    const single = () => {
      const problem = invalid(body);
      if (problem) return error(422, problem);
      if (idempotencyKey) {
        const seen = idempotency.get(idempotencyKey);
        if (seen && seen.body !== raw) {
          return error(409);
        }
        if (seen) {
          // A replay: Resend answers with the first result and sends nothing.
          recorder.push({ status: 200, apiKey, headers, body, id: seen.id, idempotencyKey });
          return respond(200, { id: seen.id });
        }
      }
      const id = randomUUID();
      if (idempotencyKey) idempotency.set(idempotencyKey, { body: raw, id });
      answer(200, { id }, {}, id);
    };

    const handle = async () => {
      if (req.method !== "POST" || (req.url !== "/emails" && req.url !== "/emails/batch")) {
        return error(404, { name: "not_found", message: "The requested endpoint does not exist." });
      }
      const failure = await behaviour.next();
      if (failure) {
        const custom = failure.body as { name: string; message: string } | undefined;
        return error(failure.status, custom, retryAfterHeader(failure.retryAfter));
      }
      if (!apiKey) return error(401);
      if (options.apiKey ? apiKey !== options.apiKey : !apiKey.startsWith("re_")) return error(403);
      return req.url === "/emails/batch" ? batch() : single();
    };

    // Resend holds a key while its request is processed (here: during the latency).
    if (idempotencyKey && inProgress.has(idempotencyKey)) {
      error(409, CONCURRENT);
    } else {
      if (idempotencyKey) inProgress.add(idempotencyKey);
      try {
        await handle();
      } finally {
        if (idempotencyKey) inProgress.delete(idempotencyKey);
      }
    }
    if (reply) await deliver(res, reply.status, reply.payload, reply.extra);
  });

  const port = await listen(server);
  const base = controls(`http://127.0.0.1:${port}`, behaviour, recorder, () => closeServer(server));
  const replays = () => {
    const firstIds = new Set<string>();
    return recorder.items.filter((r) => {
      if (r.status !== 200 || !r.id || firstIds.has(r.id)) return false;
      firstIds.add(r.id);
      return true;
    });
  };
  return {
    ...base,
    accepted: replays,
    spoilAnswers(rule) {
      answerRules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      base.reset();
      idempotency.clear();
      answerRules = [];
    },
  };
}
