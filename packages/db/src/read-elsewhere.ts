import type { NotificationStatus } from "@herald/domain";
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { transition } from "./notifications.ts";

/**
 * One of the same event's other notifications to the same recipient was
 * read: `read_at` is set by every move to READ (open, inbox read, click) and
 * kept by any status after it (a complaint after the read). `notifications`
 * is the row `transition` moves.
 */
const SIBLING_READ = sql`exists (
  select 1 from notifications s
  where s.event_id = notifications.event_id and s.recipient_id = notifications.recipient_id
    and s.id <> notifications.id and s.read_at is not null)`;

/**
 * Suppresses an escalation's held notification (reason `read_elsewhere`) if
 * the recipient read one of the same event's other notifications. One
 * statement, the check inside the update (`transition`'s `onlyIf`): a held
 * row sent, canceled or suppressed meanwhile is left as it is (the status
 * guard), and a read that commits after it is one that came too late.
 * Returns whether it was suppressed.
 *
 * `from`: the statuses it may leave (the sender's "still waiting" ones);
 * default every status SUPPRESSED may follow.
 */
export function suppressIfReadElsewhere(
  db: Db,
  id: string,
  options: { from?: readonly NotificationStatus[]; at?: Date; detail?: Record<string, unknown> } = {},
): Promise<boolean> {
  return transition(db, id, "SUPPRESSED", {
    ...(options.from ? { from: options.from } : {}),
    ...(options.at ? { at: options.at } : {}),
    set: { reason: "read_elsewhere" },
    detail: { reason: "read_elsewhere", ...options.detail },
    onlyIf: SIBLING_READ,
  });
}
