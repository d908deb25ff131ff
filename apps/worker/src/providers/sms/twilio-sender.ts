import { TWILIO_NUMBER_GONE_CODES } from "@herald/domain";
import { DeliveryError } from "@herald/errors";
import type TwilioSdk from "twilio";
import { errorForStatus, networkError, parseRetryAfter } from "../delivery-errors.ts";
import { once } from "../once.ts";
import type { ChannelSender } from "../provider.ts";
import { fitSegments } from "./sms-segments.ts";
import { classifyTwilioCode } from "./twilio-errors.ts";

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** E.164 number or alphanumeric sender id (or use `messagingServiceSid`). */
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** Test/proxy override: requests to *.twilio.com go to this origin. */
  baseUrl?: string | undefined;
  /** Where Twilio posts delivery updates: `${PUBLIC_URL}/v1/webhooks/twilio`. */
  statusCallback: string;
  maxSegments: number;
  timeoutMs: number;
  ca?: string[] | undefined;
}

type RequestOptions<T> = import("twilio/lib/base/RequestClient").RequestOptions<T>;

type Sdk = typeof TwilioSdk;

/**
 * The SDK's own HTTP client, pointed elsewhere when `baseUrl` is set, and
 * carrying Retry-After into the error body (the SDK drops response headers).
 * A class made per loaded SDK: the SDK is imported on first send.
 */
function heraldRequestClient(twilio: Sdk) {
  return class HeraldTwilioClient extends twilio.RequestClient {
    constructor(
      private readonly baseUrl: string | undefined,
      options: { timeout: number; ca?: string[] | undefined },
    ) {
      super({ timeout: options.timeout, ...(options.ca ? { ca: options.ca.join("\n") } : {}) });
    }

    override async request<T>(opts: RequestOptions<T>) {
      let uri = opts.uri;
      if (this.baseUrl) {
        const u = new URL(uri);
        if (u.hostname === "twilio.com" || u.hostname.endsWith(".twilio.com")) {
          uri = `${this.baseUrl.replace(/\/$/, "")}${u.pathname}${u.search}`;
        }
      }
      const res = await super.request<T>({ ...opts, uri });
      const retryAfter = res.headers?.["retry-after" as keyof typeof res.headers];
      if (res.statusCode === 429 && retryAfter && res.body && typeof res.body === "object") {
        (res.body as Record<string, unknown>).details = { retry_after: String(retryAfter) };
      }
      return res;
    }
  };
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * SMS through the official twilio SDK, loaded on first send: a worker that
 * never sends through Twilio does not hold it (~24 MB of RSS). The account
 * SID's form is checked at start-up (`createSenders`), as the SDK would.
 */
export function twilioSender(options: TwilioSenderOptions): ChannelSender {
  const sdk = once(async () => {
    const twilio = (await import("twilio")).default;
    const HeraldTwilioClient = heraldRequestClient(twilio);
    const client = twilio(options.accountSid, options.authToken, {
      httpClient: new HeraldTwilioClient(options.baseUrl, { timeout: options.timeoutMs, ca: options.ca }),
    });
    return { twilio, client };
  });
  return {
    channel: "sms",
    providers: ["twilio"],
    async prepare() {
      await sdk();
    },
    async send(ctx) {
      const content = ctx.notification.content;
      const to = ctx.recipient.phone;
      if (content.channel !== "sms") {
        throw new DeliveryError("permanent", `not SMS content (${content.channel})`, {
          provider: "twilio",
          code: "bad_content",
        });
      }
      if (!to)
        throw new DeliveryError("permanent", "recipient has no phone", {
          provider: "twilio",
          code: "no_destination",
        });
      if (!E164.test(to)) {
        throw new DeliveryError("permanent", "phone number is not E.164", {
          provider: "twilio",
          code: "21211",
        });
      }
      const fitted = fitSegments(content.text, options.maxSegments);
      const { twilio, client } = await sdk();
      try {
        const message = await client.messages.create({
          to,
          body: fitted.text,
          ...(options.messagingServiceSid
            ? { messagingServiceSid: options.messagingServiceSid }
            : { from: options.from! }),
          // The notification's id rides in the URL Twilio signs: its first callbacks can come before
          // the SENT record (which holds the sid) is written.
          statusCallback: `${options.statusCallback}?notificationId=${encodeURIComponent(ctx.notification.id)}`,
        });
        return {
          provider: "twilio",
          providerMessageId: message.sid,
          detail: {
            segments: fitted.segments,
            encoding: fitted.encoding,
            ...(fitted.truncated ? { truncated: true } : {}),
          },
        };
      } catch (err) {
        throw classifyTwilioError(err, twilio);
      }
    },
  };
}

/** A Twilio SDK failure as a DeliveryError: by Twilio error code first, then HTTP status. */
export function classifyTwilioError(err: unknown, twilio: Sdk): DeliveryError {
  const e = err as { status?: number; code?: number; message?: string; details?: { retry_after?: string } };
  if (!(err instanceof twilio.RestException) || typeof e.status !== "number")
    return networkError("twilio", err);
  const message = `twilio ${e.code ?? e.status}: ${e.message ?? "error"}`;
  const retryAfterMs = parseRetryAfter(e.details?.retry_after);
  // Twilio's 429 (20429) limits the account's requests, whoever the message is for.
  const rateLimited = e.status === 429 || e.code === 20429;
  const byCode = e.code !== undefined ? classifyTwilioCode(e.code) : undefined;
  if (byCode || rateLimited) {
    const kind = byCode ?? "transient";
    return new DeliveryError(kind, message, {
      provider: "twilio",
      code: String(e.code ?? e.status),
      rateLimited: rateLimited && kind === "transient",
      suppressesAddress: e.code !== undefined && TWILIO_NUMBER_GONE_CODES.has(e.code),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause: err,
    });
  }
  return errorForStatus("twilio", e.status, message, {
    code: e.code !== undefined ? String(e.code) : String(e.status),
    retryAfterMs,
    cause: err,
  });
}
