import type { Readable } from "node:stream";
import { DeliveryError } from "@herald/errors";
import type { SendMailOptions, Transporter } from "nodemailer";
import { once } from "../once.ts";
import type { EmailMessage, EmailProvider } from "./email-message.ts";

export interface SmtpProviderOptions {
  url: string;
  timeoutMs: number;
  /** Trusted CAs for STARTTLS/SMTPS (default: Node's). */
  ca?: string[] | undefined;
}

// nodemailer's codes for a failure of the connection, the session or our setup, never of
// this message: the server or the account can be fixed (or is back) later, and another
// provider can send meanwhile. ECONNREFUSED and friends come wrapped as ECONNECTION/ESOCKET.
const TRANSIENT_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EPROXY",
  "EPROTOCOL",
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "EMAXLIMIT",
  "ECONFIG",
  "ERR_ACCESS_DENIED",
  "ECONNREFUSED",
]);

// The commands whose refusal is about this message: its recipient (RCPT TO, or DATA when no
// recipient was left) or its content (the reply after the message data). A 5xx anywhere else
// (the greeting, EHLO, STARTTLS, AUTH, MAIL FROM with our sender) is about our server or account.
const MESSAGE_COMMANDS = new Set(["RCPT TO", "DATA"]);

/** How far a message got before its send failed. */
export interface SmtpProgress {
  /**
   * The whole message, its ending dot included, was handed to the server's
   * connection: only the server's final reply was missing. Default false.
   */
  dataSent?: boolean;
}

/**
 * An SMTP failure (nodemailer's error: `code`, `responseCode`, `command`)
 * as a `DeliveryError`. A failure without a reply (a timeout, a dropped
 * connection) after the message data was sent is `ambiguous`: the server
 * queues a message once it has read the ending dot, before it replies 250,
 * so it may deliver this one; another provider must not send it too. A reply code decides by RFC 5321 (4xx = try again
 * later), except that a 5xx is permanent only when it refused this message
 * (at RCPT TO or DATA): a 5xx at the greeting, EHLO, AUTH (535) or MAIL FROM
 * (an unverified sender) is about our account or server, so transient: the
 * next provider is tried, and the attempt retries and dead-letters loudly
 * instead of failing every e-mail for good while an operator fixes it.
 * 503 (bad sequence of commands) is the session's state, never the message.
 * Without a reply code, a connection or setup failure is transient and any
 * other (an invalid address, a message too large) permanent.
 */
export function classifySmtpError(err: unknown, progress: SmtpProgress = {}): DeliveryError {
  const e = err as {
    code?: string;
    responseCode?: number;
    command?: string;
    message?: string;
    response?: string;
  };
  const message = `smtp: ${e?.response ?? e?.message ?? String(err)}${e?.command ? ` (at ${e.command})` : ""}`;
  const reply = e?.responseCode;
  if (reply !== undefined) {
    const aboutMessage = MESSAGE_COMMANDS.has(e?.command ?? "");
    const permanent = reply >= 500 && reply < 600 && reply !== 503 && aboutMessage;
    return new DeliveryError(permanent ? "permanent" : "transient", message, {
      provider: "smtp",
      code: String(reply),
      cause: err,
    });
  }
  if (progress.dataSent) {
    return new DeliveryError(
      "transient",
      `${message}: no reply after the message data was sent (the server may have queued it)`,
      { provider: "smtp", code: e?.code ?? "error", ambiguous: true, cause: err },
    );
  }
  const transient = !e?.code || TRANSIENT_CODES.has(e.code);
  return new DeliveryError(transient ? "transient" : "permanent", message, {
    provider: "smtp",
    code: e?.code ?? "error",
    cause: err,
  });
}

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "herald.local";

/** Where a send's message stream is kept for its failure to be judged (a field of the mail data). */
const DATA_WATCH = "heraldDataWatch";

interface DataWatch {
  stream?: Readable;
}

/**
 * nodemailer reads a message's stream only once the server took DATA (354),
 * into the socket, and ends it once the last byte, the ending dot included,
 * went there; the stream a `processFunc` returns last is the one it reads
 * (no DKIM or newline option is set here that would wrap it). Keeping that
 * stream tells a failure before the data (safe to send elsewhere) from one
 * after it (`SmtpProgress.dataSent`).
 */
function watchData(transport: Transporter): void {
  transport.use("stream", (mail, done) => {
    const watch = (mail.data as Record<string, unknown>)[DATA_WATCH] as DataWatch | undefined;
    if (watch)
      mail.message.processFunc((input) => {
        watch.stream = input;
        return input;
      });
    done();
  });
}

/** SMTP through nodemailer with a small connection pool. */
export function smtpProvider(options: SmtpProviderOptions): EmailProvider {
  let created: Transporter | undefined;
  let closed = false;
  // nodemailer is loaded on first send: a worker that never sends through SMTP (e-mail goes
  // elsewhere, or SMTP is a failover that is not needed) does not hold it (~12 MB of RSS).
  const transport = once(async () => {
    const { createTransport } = await import("nodemailer");
    created = createTransport({
      url: options.url,
      pool: true,
      maxConnections: 5,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      ...(options.ca ? { tls: { ca: options.ca } } : {}),
    } as Parameters<typeof createTransport>[0]);
    watchData(created);
    if (closed) created.close();
    return created;
  });
  return {
    name: "smtp",
    async prepare() {
      await transport();
    },
    async send(message: EmailMessage) {
      const watch: DataWatch = {};
      const mail: SendMailOptions = {
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        // A stable Message-ID: a resent attempt (after an ambiguous one, say) is recognisably
        // the same e-mail, and receiving systems that drop duplicates by it do.
        messageId: `<${message.notificationId}@${domainOf(message.from)}>`,
        headers: { ...message.headers, "X-Herald-Notification-Id": message.notificationId },
      };
      try {
        const info = await (await transport()).sendMail(Object.assign(mail, { [DATA_WATCH]: watch }));
        return { messageId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err, { dataSent: watch.stream?.readableEnded === true });
      }
    },
    async close() {
      closed = true;
      created?.close();
    },
  };
}
