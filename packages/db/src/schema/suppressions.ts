import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";

/**
 * Addresses Herald must not send to any more: hard-bounced or complained
 * e-mail addresses, phone numbers the carrier reports as permanently
 * unreachable. Added by the tracking webhooks; the router's suppression rules
 * read it. (Minimal version from the tracking issue; the policy issue owns it.)
 */
export const suppressions = pgTable(
  "suppressions",
  {
    channel: text("channel").notNull(),
    /** Lower-cased e-mail address or E.164 number. */
    address: text("address").notNull(),
    reason: text("reason").notNull(),
    /** The notification whose bounce or complaint caused this. */
    notificationId: text("notification_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);
