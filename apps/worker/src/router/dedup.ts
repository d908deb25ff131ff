import { createHash } from "node:crypto";
import { claimDedupKey, type EventRow } from "@herald/db";
import { canonicalJson } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";

/**
 * The event's dedup identity: user + type + `dedupKey`, or + a hash of its
 * data when content dedup is on. Null: this event is never a duplicate.
 */
export function dedupKeyHash(
  event: Pick<EventRow, "userId" | "type" | "dedupKey" | "data">,
  contentHash: boolean,
): string | null {
  const key = event.dedupKey
    ? `k:${event.dedupKey}`
    : contentHash
      ? `h:${createHash("sha256").update(canonicalJson(event.data)).digest("hex")}`
      : null;
  if (!key) return null;
  return createHash("sha256")
    .update(JSON.stringify([event.userId, event.type, key]))
    .digest("hex");
}

/** The event this one duplicates within `DEDUP_WINDOW`, or null when it is the first. */
export async function findDuplicateOf(deps: WorkerDeps, event: EventRow, now: Date): Promise<string | null> {
  const { dedupWindowMs, dedupContentHash } = deps.env.policy;
  const hash = dedupKeyHash(event, dedupContentHash);
  if (!hash || dedupWindowMs <= 0) return null;
  const owner = await claimDedupKey(deps.db, hash, event.id, now, dedupWindowMs);
  return owner === event.id ? null : owner;
}
