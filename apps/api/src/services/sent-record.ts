import { type Db, getNotification, type NotificationRow } from "@herald/db";
import type { NotificationStatus } from "@herald/domain";
import { HeraldError } from "@herald/errors";

/** Statuses of a notification whose provider's answer the worker has not recorded yet. */
const BEFORE_SENT: ReadonlySet<NotificationStatus> = new Set(["PENDING", "QUEUED"]);

// The worker records SENT within milliseconds of the provider's answer, unless PostgreSQL was
// unreachable then (it retries). ~3 s in all, inside a provider's webhook timeout.
const WAITS_MS = [20, 50, 100, 200, 400, 800, 1500];

/**
 * A provider's callback about a message can come before the worker has
 * recorded the message SENT: its status change would then be ignored, and
 * the delivery id kept, so the provider's retry would be taken for a
 * duplicate and the status lost. This waits for the SENT record and returns
 * the row as it is then; if it does not come, the callback is answered 503
 * so the provider delivers it again later. It runs before the delivery's
 * receipt is taken (see `processOnce`): the retry is processed, not taken
 * for a duplicate.
 */
export async function whenSentRecorded(db: Db, n: NotificationRow): Promise<NotificationRow> {
  let row = n;
  for (const wait of WAITS_MS) {
    if (!BEFORE_SENT.has(row.status)) return row;
    await new Promise((r) => setTimeout(r, wait));
    row = (await getNotification(db, row.id)) ?? row;
  }
  if (!BEFORE_SENT.has(row.status)) return row;
  throw new HeraldError(
    "unavailable",
    `Notification ${row.id} is not recorded as sent yet (${row.status}); deliver this event again later.`,
    { retryAfter: 5 },
  );
}
