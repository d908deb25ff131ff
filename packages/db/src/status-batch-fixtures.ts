import type { TestDatabase } from "@herald/testkit";
import { claimStatusBatch } from "./status-webhooks.ts";

/** One SENT change per entry, for notification `ntf_<name>`, recorded in this order (tests of the batch functions). */
export async function recordChanges(t: TestDatabase, ...notifications: string[]): Promise<void> {
  for (const n of notifications)
    await t.sql`insert into status_webhook_changes (notification_id, status) values (${`ntf_${n}`}, 'SENT')`;
}

/** A claim of up to `size` changes of STATUS_WEBHOOK_URL's, leased for a minute. */
export const claimBatch = (t: TestDatabase, size = 100) => claimStatusBatch(t.db, { size, leaseMs: 60_000 });
