import type { DeliveryErrorKind } from "@herald/errors";

/**
 * Twilio error codes (https://www.twilio.com/docs/api/errors) that decide a
 * send's fate regardless of the HTTP status. Permanent: the number or the
 * message can never be delivered as is. Transient: Twilio or our account is
 * temporarily unable to send (queue full, rate limited, credentials rejected
 * — an operator can fix those, after which a retry succeeds).
 */
export const TWILIO_PERMANENT_CODES: Record<number, string> = {
  21211: "invalid 'To' phone number",
  21214: "'To' phone number cannot be reached",
  21217: "phone number does not appear to be valid",
  21401: "invalid phone number",
  21407: "this phone number type does not support SMS",
  21408: "sending to this region is not enabled",
  21421: "phone number is invalid",
  21602: "message body is required",
  21604: "'To' phone number is required",
  21610: "recipient replied STOP (unsubscribed)",
  21612: "'To' number is not reachable via SMS",
  21614: "'To' number is not a mobile number",
  21617: "message body exceeds 1600 characters",
  21635: "'To' number cannot be a landline",
  30004: "message blocked",
  30005: "unknown destination handset",
  30006: "landline or unreachable carrier",
  30007: "message filtered as spam",
};

export const TWILIO_TRANSIENT_CODES: Record<number, string> = {
  20003: "authentication failed (check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)",
  20429: "too many requests",
  20500: "Twilio internal error",
  20503: "Twilio service unavailable",
  30001: "queue overflow",
  30002: "account suspended",
  30003: "handset unreachable",
  30008: "unknown error",
};

export function classifyTwilioCode(code: number): DeliveryErrorKind | undefined {
  if (code in TWILIO_PERMANENT_CODES) return "permanent";
  if (code in TWILIO_TRANSIENT_CODES) return "transient";
  return undefined;
}
