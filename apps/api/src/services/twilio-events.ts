import {
  type Db,
  findNotificationForCallback,
  getNotification,
  markBounced,
  markDelivered,
  markProviderAccepted,
  markRead,
  markSent,
  markSentOverCancel,
  type NotificationRow,
  suppressAddress,
} from "@herald/db";
import { TWILIO_NUMBER_GONE_CODES } from "@herald/domain";
import { type CallbackOutcome, type CallbackWrites, decided } from "./callback-outcome.ts";

/** Statuses that say Twilio has the message (whatever became of it since). */
const ACCEPTED = new Set(["accepted", "scheduled", "queued", "sending", "sent"]);
const APPLIED = new Set([...ACCEPTED, "delivered", "read", "undelivered", "failed"]);

/**
 * Reads what one verified Twilio status callback (`MessageSid`,
 * `MessageStatus`, `ErrorCode`, `To`) is about and returns its writes, made
 * with the delivery's receipt in one transaction (see `processOnce`).
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
  if ((found.providerMessageId && found.providerMessageId !== sid) || !APPLIED.has(status))
    return decided({ notificationId: found.id, result: "ignored" });
  return (tx) => applyTwilioStatus(tx, found, sid, status, params);
}

/**
 * Records SENT, with this sid, for a message no SENT record holds yet: the
 * worker is still waiting for the answer to its create call, or gave up on it
 * (a timeout: FAILED, its retry due) although Twilio had queued the message.
 * Twilio signed the callback's URL, which names the notification, with the
 * account's auth token: the sid is this notification's message. Waiting for
 * the worker's record instead lost these callbacks (Twilio does not retry
 * them) and let the retry send a second SMS. The write is the worker's own
 * (`markSent`, from the statuses the state machine lets into SENT): the retry
 * finds the row SENT and skips it, and the worker's record, should its call
 * still answer with this sid, moves nothing.
 */
async function recordSentFromCallback(db: Db, id: string, sid: string, status: string): Promise<boolean> {
  const record = {
    id,
    provider: "twilio",
    providerMessageId: sid,
    sentAt: new Date(),
    detail: { provider: "twilio", providerMessageId: sid, event: status, recordedBy: "status_callback" },
  };
  // Canceled while the create call was in flight: Twilio has the message, so the record must say
  // SENT (the worker, whose call may yet time out, would otherwise leave it CANCELED).
  return (await markSent(db, [record])).has(id) || (await markSentOverCancel(db, record));
}

async function applyTwilioStatus(
  db: Db,
  found: NotificationRow,
  sid: string,
  status: string,
  params: Record<string, string>,
): Promise<CallbackOutcome> {
  let n = found;
  const recorded = !n.providerMessageId && (await recordSentFromCallback(db, n.id, sid, status));
  if (!n.providerMessageId && !recorded) {
    // The worker's SENT record came in between (or the row can no longer become SENT): it decides.
    n = (await getNotification(db, n.id)) ?? n;
    if (n.providerMessageId !== sid) return { notificationId: n.id, result: "ignored" };
  }
  const errorCode = params.ErrorCode || undefined;
  const detail = { provider: "twilio", event: status, ...(errorCode ? { errorCode } : {}) };
  let moved: boolean;
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
    case "sent":
      // The SENT just recorded says so already.
      moved = recorded || (await markProviderAccepted(db, n.id, { detail }));
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
      // The number itself will never take SMS (STOP, landline, invalid…): suppressed.
      if (errorCode && TWILIO_NUMBER_GONE_CODES.has(Number(errorCode)) && params.To) {
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
  return { notificationId: n.id, result: moved || recorded ? "updated" : "unchanged" };
}
