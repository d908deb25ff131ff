import {
  type Db,
  findNotificationForCallback,
  getRecipientById,
  markBounced,
  markDelivered,
  markProviderAccepted,
  markRead,
  type NotificationRow,
  recordClick,
  suppressAddress,
  transition,
} from "@herald/db";
import { z } from "zod";
import { type CallbackOutcome, type CallbackWrites, decided } from "./callback-outcome.ts";
import { whenSentRecorded } from "./sent-record.ts";

/** The parts of a Resend webhook event Herald uses (resend.com/docs/dashboard/webhooks/body-parameters). */
export const ResendEvent = z.object({
  type: z.string().describe("The event, e.g. `email.delivered`"),
  created_at: z.string().optional().describe("When Resend recorded the event (ISO 8601)"),
  data: z
    .object({
      email_id: z.string().optional().describe("Resend's id of the e-mail: Herald's `providerMessageId`"),
      to: z.union([z.array(z.string()), z.string()]).optional(),
      created_at: z.string().optional(),
      // An array of {name, value}; some payloads carry an object instead.
      tags: z
        .union([z.array(z.object({ name: z.string(), value: z.string() })), z.record(z.string(), z.string())])
        .optional()
        .describe("The message's tags; Herald's `notification_id` tag finds the notification too"),
      bounce: z
        .object({
          type: z.string().optional(),
          subType: z.string().optional(),
          message: z.string().optional(),
        })
        .loose()
        .optional()
        .describe(
          "On `email.bounced`: a transient, soft or undetermined `type` is only noted; others bounce",
        ),
      click: z
        .object({ link: z.string().optional(), timestamp: z.string().optional() })
        .loose()
        .optional()
        .describe("On `email.clicked`: the link, recorded as a click"),
    })
    .loose(),
});
export type ResendEvent = z.infer<typeof ResendEvent>;

/** Tag names under which Herald's e-mail providers put the notification id. */
const NOTIFICATION_TAGS = ["notification_id", "notificationId", "herald_notification_id"];

function notificationTag(tags: ResendEvent["data"]["tags"]): string | undefined {
  if (!tags) return undefined;
  const entries = Array.isArray(tags) ? tags.map((t) => [t.name, t.value] as const) : Object.entries(tags);
  return entries.find(([name]) => NOTIFICATION_TAGS.includes(name))?.[1];
}

function eventTime(...candidates: (string | undefined)[]): Date {
  const now = Date.now();
  for (const c of candidates) {
    const t = c ? Date.parse(c) : Number.NaN;
    // A provider clock slightly ahead is fine; a bogus future time is not kept.
    if (Number.isFinite(t) && t <= now + 60_000) return new Date(t);
  }
  return new Date(now);
}

/**
 * Reads what one verified Resend event is about: the notification, once the
 * worker's SENT record is there (`whenSentRecorded`, which may answer 503).
 * Nothing is written here; the returned writes are made with the delivery's
 * receipt, in one transaction, and the wait stays outside it.
 */
export async function prepareResendEvent(db: Db, body: unknown): Promise<CallbackWrites> {
  const parsed = ResendEvent.safeParse(body);
  if (!parsed.success || !parsed.data.type.startsWith("email."))
    return decided({ notificationId: null, result: "ignored" });
  const event = parsed.data;
  const found = await findNotificationForCallback(db, "email", {
    providerMessageId: event.data.email_id,
    notificationId: notificationTag(event.data.tags),
  });
  if (!found) return decided({ notificationId: null, result: "unknown_notification" });
  const n = await whenSentRecorded(db, found);
  return (tx) => applyResendEvent(tx, event, n);
}

/**
 * Applies one Resend event to its notification. Statuses only move forward;
 * an event that cannot move the status (a late `delivered` after READ) is
 * still kept in the timeline. A bounce or complaint also suppresses the address.
 */
async function applyResendEvent(db: Db, event: ResendEvent, n: NotificationRow): Promise<CallbackOutcome> {
  const at = eventTime(event.created_at, event.data.created_at);
  const base = { provider: "resend", event: event.type };
  const o = { at, detail: base };
  let moved: boolean;
  switch (event.type) {
    case "email.sent":
    case "email.delivery_delayed":
      moved = await markProviderAccepted(db, n.id, o);
      break;
    case "email.delivered":
      moved = await markDelivered(db, n.id, o);
      break;
    case "email.opened":
      moved = await markRead(db, n.id, o);
      break;
    case "email.clicked": {
      const link = event.data.click?.link;
      moved = await recordClick(db, n.id, {
        source: "resend",
        at: eventTime(event.data.click?.timestamp, event.created_at),
        ...(link ? { url: link } : {}),
      });
      break;
    }
    case "email.bounced": {
      const b = event.data.bounce;
      // Resend sends email.bounced for permanent rejections; a soft bounce is only noted.
      if (b?.type && /transient|soft|undetermined/i.test(b.type)) {
        moved = await markProviderAccepted(db, n.id, {
          at,
          detail: { ...base, bounceType: b.type, subType: b.subType },
        });
        break;
      }
      moved = await markBounced(db, n.id, "BOUNCED", {
        at,
        reason: "hard_bounce",
        ...(b?.message ? { error: b.message } : {}),
        detail: { ...base, bounceType: b?.type, subType: b?.subType },
      });
      await suppressRecipients(db, n, event.data.to, "bounced");
      break;
    }
    case "email.complained":
      moved = await markBounced(db, n.id, "COMPLAINED", { at, reason: "complaint", detail: base });
      await suppressRecipients(db, n, event.data.to, "complained");
      break;
    case "email.failed":
      // Resend gave up after accepting it (quota, domain…). The status machine has no way back
      // from SENT to FAILED, so the failure is kept in the timeline for the operator.
      moved = await transition(db, n.id, "FAILED", { at, detail: base, recordIgnored: true });
      break;
    default:
      return { notificationId: n.id, result: "ignored" };
  }
  return { notificationId: n.id, result: moved ? "updated" : "unchanged" };
}

async function suppressRecipients(
  db: Db,
  n: NotificationRow,
  to: string | string[] | undefined,
  reason: "bounced" | "complained",
): Promise<void> {
  const list = to === undefined ? [] : Array.isArray(to) ? to : [to];
  if (list.length === 0) {
    const recipient = await getRecipientById(db, n.recipientId);
    if (recipient?.email) list.push(recipient.email);
  }
  for (const raw of list) {
    // "Name <a@b.c>" or a bare address.
    const address = /<([^>]+)>/.exec(raw)?.[1] ?? raw;
    if (address.includes("@"))
      await suppressAddress(db, {
        channel: "email",
        address,
        reason,
        provider: "resend",
        notificationId: n.id,
      });
  }
}
