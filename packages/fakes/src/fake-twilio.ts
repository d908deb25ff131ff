import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { Behaviour, controls, type FakeProvider, Recorder } from "./behaviour.ts";
import { closeServer, listen, plainHeaders, readBody, retryAfterHeader, sendJson } from "./http.ts";

export interface TwilioRequest {
  status: number;
  /** The message sid (accepted requests only). */
  sid?: string;
  accountSid: string;
  /** Basic-auth user and password as sent. */
  auth: { user: string; pass: string } | null;
  /** The form fields (`To`, `From`, `Body`, `StatusCallback`…). */
  form: Record<string, string>;
  headers: Record<string, string>;
  /** Twilio error code of a refused request. */
  errorCode?: number;
}

export interface FakeTwilio extends FakeProvider<TwilioRequest> {
  readonly accountSid: string;
  readonly authToken: string;
  /** Refuse messages to `number` with a Twilio error (default 21211 "invalid 'To' number"). */
  rejectNumber(number: string, code?: number, status?: number): void;
  /**
   * Answer accepted messages `ms` late, as a slow Twilio API does: unlike
   * `setLatency`, the message exists (recorded, with its sid) as soon as the
   * request arrives, whether or not the client is still there for the
   * answer. 0 (the default, and after `reset`) answers at once.
   */
  holdAnswers(ms: number): void;
}

const MESSAGES = /^\/2010-04-01\/Accounts\/([A-Za-z0-9]+)\/Messages\.json$/;

const ERROR_TEXT: Record<number, string> = {
  20003: "Authenticate",
  20429: "Too Many Requests",
  20500: "An internal server error has occurred",
  21211: "Invalid 'To' Phone Number",
  21602: "Message body is required.",
  21603: "A 'From' phone number is required.",
  21610: "Attempt to send to unsubscribed recipient",
  21614: "'To' number is not a valid mobile number",
  21617: "The concatenated message body exceeds the 1600 character limit.",
};

const CODE_FOR_STATUS: Record<number, number> = { 401: 20003, 429: 20429, 500: 20500, 503: 20500 };

/**
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form
 * encoded, basic auth) on loopback. Answers like Twilio: a Message resource
 * (201, status `queued`) or `{code, message, more_info, status}`.
 */
export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString("hex")}`;
  const authToken = options.authToken ?? randomBytes(16).toString("hex");
  const behaviour = new Behaviour();
  const recorder = new Recorder<TwilioRequest>();
  const rejected = new Map<string, { code: number; status: number }>();
  let holdMs = 0;

  const server = createServer(async (req, res) => {
    const raw = (await readBody(req)).toString("utf8");
    const headers = plainHeaders(req.headers);
    const form = Object.fromEntries(new URLSearchParams(raw));
    const path = (req.url ?? "").split("?")[0] ?? "";
    const match = MESSAGES.exec(path);
    const sidInPath = match?.[1] ?? "";
    const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
    const [user, pass] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    const auth = user !== undefined ? { user, pass: pass ?? "" } : null;
    const record = { accountSid: sidInPath, auth, form, headers };

    const error = (status: number, code: number, extra: Record<string, string> = {}, detail?: string) => {
      recorder.push({ ...record, status, errorCode: code });
      sendJson(
        res,
        status,
        {
          code,
          message: detail ?? ERROR_TEXT[code] ?? "Error",
          more_info: `https://www.twilio.com/docs/errors/${code}`,
          status,
        },
        extra,
      );
    };

    if (req.method !== "POST" || !match) return error(404, 20404, {}, "The requested resource was not found");
    const failure = await behaviour.next();
    if (failure) {
      const body = failure.body as { code?: number; message?: string } | undefined;
      return error(
        failure.status,
        body?.code ?? CODE_FOR_STATUS[failure.status] ?? 20001,
        retryAfterHeader(failure.retryAfter),
        body?.message,
      );
    }
    if (!auth || auth.user !== accountSid || auth.pass !== authToken || sidInPath !== accountSid) {
      return error(401, 20003);
    }
    const to = form.To ?? "";
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(400, 21211, {}, `Invalid 'To' Phone Number: ${to}`);
    const refusal = rejected.get(to);
    if (refusal) return error(refusal.status, refusal.code);
    if (!form.From && !form.MessagingServiceSid) return error(400, 21603);
    if (!form.Body && !form.MediaUrl) return error(400, 21602);
    if ((form.Body ?? "").length > 1600) return error(400, 21617);

    const sid = `SM${randomBytes(16).toString("hex")}`;
    const now = new Date().toUTCString().replace("GMT", "+0000");
    recorder.push({ ...record, status: 201, sid });
    if (holdMs > 0) {
      await new Promise((r) => setTimeout(r, holdMs));
      // The client gave up (its timeout) or the fake was closed: nobody to answer.
      if (!res.socket || res.socket.destroyed) return;
    }
    sendJson(res, 201, {
      account_sid: accountSid,
      api_version: "2010-04-01",
      body: form.Body ?? "",
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_media: "0",
      num_segments: "1",
      price: null,
      price_unit: "USD",
      sid,
      status: "queued",
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });

  const port = await listen(server);
  const base = controls(`http://127.0.0.1:${port}`, behaviour, recorder, () => closeServer(server));
  return {
    ...base,
    reset() {
      base.reset();
      rejected.clear();
      holdMs = 0;
    },
    accountSid,
    authToken,
    rejectNumber(number, code = 21211, status = 400) {
      rejected.set(number, { code, status });
    },
    holdAnswers(ms) {
      holdMs = ms;
    },
  };
}
