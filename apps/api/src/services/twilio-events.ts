import {
  type Db,
  findNotificationForCallback,
  markBounced,
  markDelivered,
  markProviderAccepted,
  markRead,
  type NotificationRow,
  suppressAddress,
} from "@herald/db";
import { type CallbackOutcome, type CallbackWrites, decided } from "./callback-outcome.ts";
import { whenSentRecorded } from "./sent-record.ts";

/**
 * Twilio error codes that mean the number will never receive SMS (unknown
 * or landline number, not a mobile number, the user replied STOP): the
 * number is suppressed. Others (carrier outage, unreachable handset) are not.
 */
const PERMANENT_ERRORS = new Set(["21211", "21408", "21610", "21612", "21614", "30005", "30006"]);

/**
 * Reads what one verified Twilio status callback (`MessageSid`,
 * `MessageStatus`, `ErrorCode`, `To`) is about and returns its writes, made
 * with the delivery's receipt in one transaction (see `prepareResendEvent`).
 * `undelivered`/`failed` after the message was handed to Twilio end as
 * BOUNCED (the state machine keeps FAILED for our own attempts).
 */
export async function prepareTwilioStatus(
  db: Db,
  params: Record<string, string>,
  /** From the callback URL the worker gave Twilio (signed with it): finds the row before SENT records the sid. */
  notificationId?: string,
): Promise<CallbackWrites> {
  const sid = params.MessageSid ?? params.SmsSid;
  const status = (params.MessageStatus ?? params.SmsStatus ?? "").toLowerCase();
  if (!sid || !status) return decided({ notificationId: null, result: "ignored" });
  const found = await findNotificationForCallback(db, "sms", { providerMessageId: sid, notificationId });
  if (!found) return decided({ notificationId: null, result: "unknown_notification" });
  // Another attempt's message (one Herald took for failed and sent again): the row follows its own sid.
  if (found.providerMessageId && found.providerMessageId !== sid)
    return decided({ notificationId: found.id, result: "ignored" });
  const n = await whenSentRecorded(db, found);
  if (n.providerMessageId !== sid) return decided({ notificationId: n.id, result: "ignored" });
  return (tx) => applyTwilioStatus(tx, n, status, params);
}

async function applyTwilioStatus(
  db: Db,
  n: NotificationRow,
  status: string,
  params: Record<string, string>,
): Promise<CallbackOutcome> {
  const errorCode = params.ErrorCode || undefined;
  const detail = { provider: "twilio", event: status, ...(errorCode ? { errorCode } : {}) };
  let moved: boolean;
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
    case "sent":
      moved = await markProviderAccepted(db, n.id, { detail });
      break;
    case "delivered":
      moved = await markDelivered(db, n.id, { detail });
      break;
    case "read":
      moved = await markRead(db, n.id, { detail });
      break;
    case "undelivered":
    case "failed":
      moved = await markBounced(db, n.id, "BOUNCED", {
        reason: status,
        detail,
        ...(errorCode ? { error: `twilio error ${errorCode}` } : {}),
      });
      if (errorCode && PERMANENT_ERRORS.has(errorCode) && params.To) {
        await suppressAddress(db, {
          channel: "sms",
          address: params.To,
          reason: "bounced",
          provider: "twilio",
          notificationId: n.id,
          detail: { errorCode },
        });
      }
      break;
    default:
      return { notificationId: n.id, result: "ignored" };
  }
  return { notificationId: n.id, result: moved ? "updated" : "unchanged" };
}
