import { DeliveryError } from "@herald/errors";
import type { Transporter } from "nodemailer";
import { once } from "../once.ts";
import type { EmailMessage, EmailProvider } from "./email-message.ts";

export interface SmtpProviderOptions {
  url: string;
  timeoutMs: number;
  /** Trusted CAs for STARTTLS/SMTPS (default: Node's). */
  ca?: string[] | undefined;
}

const NETWORK_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EAUTH",
  "ECONNREFUSED",
]);

/**
 * SMTP reply codes: 4xx = try again later (transient), 5xx = rejected
 * (permanent), except authentication failures (530/535), which are about our
 * account and so transient: another provider or a later retry can help.
 */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = err as { code?: string; responseCode?: number; message?: string; response?: string };
  const message = `smtp: ${e?.response ?? e?.message ?? String(err)}`;
  const reply = e?.responseCode;
  if (reply !== undefined) {
    const transient = (reply >= 400 && reply < 500) || reply === 530 || reply === 535;
    return new DeliveryError(transient ? "transient" : "permanent", message, {
      provider: "smtp",
      code: String(reply),
      cause: err,
    });
  }
  const transient = !e?.code || NETWORK_CODES.has(e.code);
  return new DeliveryError(transient ? "transient" : "permanent", message, {
    provider: "smtp",
    code: e?.code ?? "error",
    cause: err,
  });
}

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "herald.local";

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
    if (closed) created.close();
    return created;
  });
  return {
    name: "smtp",
    async send(message: EmailMessage) {
      try {
        const info = await (await transport()).sendMail({
          from: message.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          // A stable Message-ID: a resent attempt is recognisably the same e-mail.
          messageId: `<${message.notificationId}@${domainOf(message.from)}>`,
          headers: { ...message.headers, "X-Herald-Notification-Id": message.notificationId },
        });
        return { messageId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    async close() {
      closed = true;
      created?.close();
    },
  };
}
